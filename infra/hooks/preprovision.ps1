# Gives the environment the secrets main.parameters.json asks for, generating the ones not set yet.
# They are stored with `azd env set` (in .azure/<environment>/.env, which git ignores), so every later
# `azd provision` writes the same values to Key Vault; set one yourself to choose or rotate it.
$ErrorActionPreference = 'Stop'

function New-RandomSecret {
    # 32 random bytes as hex: no character that needs quoting, and no comma (API tokens are comma-separated).
    $bytes = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)
    return [System.Convert]::ToHexString($bytes).ToLowerInvariant()
}

function Set-SecretIfMissing([string] $Name) {
    $current = azd env get-value $Name 2>$null
    if ($LASTEXITCODE -ne 0 -or [string]::IsNullOrEmpty($current)) {
        azd env set $Name (New-RandomSecret) | Out-Null
        Write-Host "Generated $Name (read it with: azd env get-value $Name)."
    }
}

Set-SecretIfMissing 'RHOCONNECT_API_TOKENS'
Set-SecretIfMissing 'RHOCONNECT_SESSION_SECRET'
Set-SecretIfMissing 'RELAY_SECRET'
Set-SecretIfMissing 'RELAY_APP_PASSWORD'
