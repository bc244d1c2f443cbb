#!/bin/sh
# Gives the environment the secrets main.parameters.json asks for, generating the ones not set yet.
# They are stored with `azd env set` (in .azure/<environment>/.env, which git ignores), so every later
# `azd provision` writes the same values to Key Vault; set one yourself to choose or rotate it.
set -eu

random_secret() {
  # 32 random bytes as hex: no character that needs quoting, and no comma (API tokens are comma-separated).
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

ensure_secret() {
  name="$1"
  current="$(azd env get-value "$name" 2>/dev/null || true)"
  if [ -z "$current" ]; then
    azd env set "$name" "$(random_secret)" >/dev/null
    echo "Generated $name (read it with: azd env get-value $name)."
  fi
}

ensure_secret RHOCONNECT_API_TOKENS
ensure_secret RHOCONNECT_SESSION_SECRET
ensure_secret RELAY_SECRET
ensure_secret RELAY_APP_PASSWORD
