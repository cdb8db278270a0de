import Foundation
import TestSupport

/// Checks a JSON value against `reports/audit-report.schema.json` without a JSON Schema library.
///
/// It understands exactly the keywords the schema uses (`type`, `required`, `properties`, `items`,
/// `enum`, `const`, `$ref` to `#/$defs/...`, `pattern`, `minItems`, `minProperties`,
/// `additionalProperties`); any other keyword is reported, so a schema that grows one is noticed
/// instead of silently ignored. Annotations (`$schema`, `$id`, `title`, `format`) are skipped.
struct GateReportSchema {
    let root: [String: Any]

    /// The schema as shipped in `reports/`.
    static func load() throws -> GateReportSchema {
        let url = packageRoot.appendingPathComponent("reports/audit-report.schema.json")
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw FixtureError(description: "\(url.path) is not a JSON object")
        }
        return GateReportSchema(root: root)
    }

    /// Every way `value` breaks the schema, as `path: problem` lines (empty when it conforms).
    func problems(_ value: Any) -> [String] {
        var found: [String] = []
        check(value, against: root, at: "$", into: &found)
        return found
    }

    private static let annotations: Set<String> = ["$schema", "$id", "title", "format", "$defs", "description"]
    private static let understood: Set<String> = ["type", "required", "properties", "items", "enum", "const", "$ref",
                                                  "pattern", "minItems", "minProperties", "additionalProperties"]

    private func check(_ value: Any, against schema: [String: Any], at path: String, into found: inout [String]) {
        for keyword in schema.keys where !Self.annotations.contains(keyword) && !Self.understood.contains(keyword) {
            found.append("\(path): the schema uses \(keyword), which this checker does not understand")
        }
        if let ref = schema["$ref"] as? String {
            guard ref.hasPrefix("#/$defs/"), let defs = root["$defs"] as? [String: Any],
                  let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] else {
                found.append("\(path): unresolvable $ref \(ref)")
                return
            }
            check(value, against: target, at: path, into: &found)
        }
        if let type = schema["type"] as? String, !Self.has(value, type: type) {
            found.append("\(path): expected \(type), got \(Swift.type(of: value))")
            return
        }
        if let constant = schema["const"], !Self.equal(value, constant) {
            found.append("\(path): expected \(constant), got \(value)")
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            found.append("\(path): \(value) is not one of \(options)")
        }
        if let pattern = schema["pattern"] as? String, let text = value as? String,
           text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): \"\(text)\" does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                found.append("\(path): required \(key) is missing")
            }
            if let minimum = schema["minProperties"] as? Int, object.count < minimum {
                found.append("\(path): fewer than \(minimum) properties")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, element) in object {
                if let property = properties[key] as? [String: Any] {
                    check(element, against: property, at: "\(path).\(key)", into: &found)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    check(element, against: additional, at: "\(path).\(key)", into: &found)
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path): \(key) is not allowed")
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum {
                found.append("\(path): fewer than \(minimum) items")
            }
            if let items = schema["items"] as? [String: Any] {
                for (index, element) in array.enumerated() {
                    check(element, against: items, at: "\(path)[\(index)]", into: &found)
                }
            }
        }
    }

    private static func has(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return isBoolean(value)
        case "integer": return !isBoolean(value) && (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } == true
        case "number": return !isBoolean(value) && value is NSNumber
        default: return false
        }
    }

    /// JSONSerialization reads `true` and `1` both as NSNumber; a Boolean's type encoding is `c`
    /// (JSON numbers never come back as a `char`).
    private static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if isBoolean(a) != isBoolean(b) { return false }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return false
    }
}
