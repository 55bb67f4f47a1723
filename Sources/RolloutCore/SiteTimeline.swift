/// One report or rollback of a site's stage, as the log holds it.
public struct StageChange: Hashable, Codable, Sendable {
    /// Whether the change moves forward (a report) or back (a rollback with a reason).
    public enum Move: String, Codable, Sendable { case report, rollback }

    /// Forward (a report) or back (a rollback).
    public var move: Move
    /// The stage reported, or rolled back to.
    public var stage: Stage
    /// When it happened in the field.
    public var occurredAt: Instant
    /// The position in the log, which orders changes at the same instant.
    public var seq: Int64

    /// A change as logged.
    public init(_ move: Move, _ stage: Stage, at occurredAt: Instant, seq: Int64) {
        self.move = move; self.stage = stage; self.occurredAt = occurredAt; self.seq = seq
    }
}

/// A moment from which a site stood at a stage.
public struct TimelineStep: Hashable, Codable, Sendable {
    /// When the site came to stand at the stage.
    public var at: Instant
    /// The stage it stood at from then on.
    public var stage: Stage

    /// A step of a timeline.
    public init(at: Instant, stage: Stage) { self.at = at; self.stage = stage }
}

/// A site's move from one stage to another (from nil: the site was registered).
public struct Transition: Hashable, Sendable {
    /// When the move happened in the field.
    public var at: Instant
    /// The stage left; nil for the registration.
    public var from: Stage?
    /// The stage reached.
    public var to: Stage
}

/// The stage rules of the import contract, as a fold of a site's changes into its timeline.
///
/// Changes apply in field order (`occurredAt`, then log order). A report moves forward only: a
/// report of a stage the site has passed changes nothing, and a forward jump implies the stages in
/// between. A rollback moves back to its stage, and changes nothing if the site is not past it.
/// A change dated before the site's registration shows the site existed then: the site counts as
/// planned from the earliest of its registration and its changes.
public enum SiteTimeline {
    /// The timeline of a site registered at `registeredAt` after the given changes.
    public static func fold(registeredAt: Instant, changes: [StageChange]) -> [TimelineStep] {
        let start = changes.map(\.occurredAt).min().map { min($0, registeredAt) } ?? registeredAt
        var steps = [TimelineStep(at: start, stage: .planned)]
        for change in changes.sorted(by: { ($0.occurredAt, $0.seq) < ($1.occurredAt, $1.seq) }) {
            advance(&steps, by: change)
        }
        return steps
    }

    /// Applies one change that comes after every change already in `steps` (in field order).
    public static func advance(_ steps: inout [TimelineStep], by change: StageChange) {
        let current = steps.last!.stage
        let next: Stage = switch change.move {
        case .report: max(current, change.stage)
        case .rollback: min(current, change.stage)
        }
        if next != current {
            steps.append(TimelineStep(at: max(change.occurredAt, steps[0].at), stage: next))
        }
    }

    /// The stage a timeline stands at for a cutoff, or nil when the site was not yet registered.
    public static func stage(of steps: [TimelineStep], at cutoff: Cutoff) -> Stage? {
        var result: Stage? = nil
        for step in steps {
            guard cutoff.includes(step.at) else { break }
            result = step.stage
        }
        return result
    }

    /// The moves of a timeline, the registration first.
    public static func transitions(_ steps: [TimelineStep]) -> [Transition] {
        var out: [Transition] = []
        out.reserveCapacity(steps.count)
        var previous: Stage? = nil
        for step in steps {
            out.append(Transition(at: step.at, from: previous, to: step.stage))
            previous = step.stage
        }
        return out
    }

    /// How long the site took to be built from each stage it passed through: one record per stage
    /// (its first entry) before the first step at `on_air` or later. Empty while not yet built.
    public static func buildRecords(_ steps: [TimelineStep]) -> [BuildRecord] {
        guard let k = steps.firstIndex(where: { $0.stage.isBuilt }) else { return [] }
        var seen: Set<Stage> = []
        var out: [BuildRecord] = []
        for step in steps[..<k] where seen.insert(step.stage).inserted {
            out.append(BuildRecord(stage: step.stage, builtAt: steps[k].at,
                                   bucket: DurationBuckets.bucket(seconds: steps[k].at.seconds - step.at.seconds)))
        }
        return out
    }
}

/// A site's time from entering a stage to being built, in a bucket of days.
public struct BuildRecord: Hashable, Sendable {
    /// The stage the site passed through.
    public var stage: Stage
    /// When the site was built (its first step at `on_air` or later).
    public var builtAt: Instant
    /// The ``DurationBuckets`` bucket of the days from entering the stage to being built.
    public var bucket: Int
}
