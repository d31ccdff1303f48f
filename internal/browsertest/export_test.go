package browsertest

// ArtifactNameForTest exposes artifactName to the external tests.
var ArtifactNameForTest = artifactName
