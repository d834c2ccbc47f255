import ArgumentParser
import KraftFetch

/// `--insecure` and `--ca-file`: how the registry commands (`kraft pkg push/pull`,
/// `kraft login`, `kraft run REF`) trust a registry. See docs/registries.md.
struct RegistryOptions: ParsableArguments {
  @Flag(
    help: """
      Allow plain HTTP and skip TLS certificate checks for this registry (plain HTTP is \
      always allowed for localhost and 127.0.0.1).
      """)
  var insecure = false

  @Option(
    help: ArgumentHelp(
      "A PEM file of CA certificates to trust besides the system's (or KRAFT_REGISTRY_CA_FILE).",
      valueName: "path"))
  var caFile: String?

  var access: RegistryAccess { RegistryAccess(insecure: insecure, caFile: caFile) }
}
