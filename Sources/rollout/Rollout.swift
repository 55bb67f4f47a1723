import ArgumentParser

/// The `rollout` command line: thin wrappers over the core, the storage and the web layers.
@main
struct Rollout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Rollout: the command platform for a city's 5G base-station build-out.",
        subcommands: [Demo.self, Serve.self, Init.self, Migrate.self, Export.self, Rebuild.self, Bench.self]
    )
}
