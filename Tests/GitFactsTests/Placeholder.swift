// placeholder until the git-layer tests land
