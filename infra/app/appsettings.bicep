// The app settings of a site, written whole. A PUT of config/appsettings replaces every setting the site has
// (Web Apps - Update Application Settings), so a setting dropped from the Bicep leaves the app at the next
// provision instead of lingering. (The AVM site module merges with the site's current settings, which never
// removes one.) Settings added by hand in the portal are removed as well: put them in the Bicep.

// How a setting points at a Key Vault secret; App Service resolves it as the site's keyVaultReferenceIdentity.
// A versionless secret URI follows rotations (re-read within 24 hours, or at once on restart).
@export()
func keyVaultReference(secretUri string) string => '@Microsoft.KeyVault(SecretUri=${secretUri})'

@description('Name of the web or function app.')
param siteName string

@description('Every app setting of the site, name to value.')
param settings object

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: settings
}
