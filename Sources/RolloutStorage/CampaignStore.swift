import RolloutCore

/// The campaign's storage, every aggregate of it: what `rollout` opens (SQLite or PostgreSQL)
/// and passes to the application.
///
/// Every change is an event appended in one transaction with the projection updates it causes;
/// nothing in the log is ever updated or deleted. Reads take a ``ReadMoment``.
public protocol CampaignStore: CampaignDatabase, EventLog, ProgressReads, ObstacleReads, ResourceReads, ReconciliationReads, BulletinStore, NotificationStore,
    EvidenceStore, SnapshotStore,
    AccountStore {}
