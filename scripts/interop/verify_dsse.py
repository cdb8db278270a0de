#!/usr/bin/env python3
"""Verify a DSSE envelope with Python securesystemslib, independently of release-audit.

Usage: python verify_dsse.py ENVELOPE PUBKEY_PEM

ENVELOPE is one JSON envelope, or an in-toto bundle (*.jsonl: one envelope per line, every line
is verified). PUBKEY_PEM is an Ed25519 or ECDSA SPKI PEM public key. securesystemslib only tries
a key whose keyid equals the signature's keyid, so this also checks that release-audit writes the
securesystemslib keyid. Prints the keyid and payloadType of each envelope; exit 1 on any failure.
"""
import json
import sys

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey


def envelopes(path):
    """(label, dict) for each envelope in the file."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".jsonl"):
        lines = [line for line in data.splitlines() if line.strip()]
        if not lines:
            raise ValueError(f"{path}: no envelopes in the bundle")
        return [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(lines, 1)]
    return [(path, json.loads(data))]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 64
    envelope_path, key_path = argv[1], argv[2]
    try:
        with open(key_path, "rb") as f:
            key = SSlibKey.from_crypto(load_pem_public_key(f.read()))
        items = envelopes(envelope_path)
    except Exception as error:  # noqa: BLE001 - any failure to read is a failure
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    failed = False
    for label, document in items:
        try:
            envelope = Envelope.from_dict(document)
            envelope.verify(keys=[key], threshold=1)  # raises VerificationError
            print(f"{label}: verified")
            print(f"  keyid: {key.keyid}")
            print(f"  payloadType: {envelope.payload_type}")
            if envelope.payload_type == "application/vnd.in-toto+json":
                statement = json.loads(envelope.payload)  # only the verified bytes
                print(f"  predicateType: {statement.get('predicateType')}")
        except Exception as error:  # noqa: BLE001
            print(f"{label}: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
