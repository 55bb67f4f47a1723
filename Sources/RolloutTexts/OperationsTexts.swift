import RolloutCore

extension Catalogue {
    /// Messages of running the platform: backups, restores, the server's own errors.
    static let operationsTexts: [String: (zh: String, en: String)] = [
        "postgres_client_missing": ("找不到 PostgreSQL 客户端程序 {value}：请运行 scripts/postgres-client（或 apt-get install postgresql-client）",
                                    "the PostgreSQL client program {value} is missing: run scripts/postgres-client (or apt-get install postgresql-client)"),
        "backup_target_exists": ("备份文件“{value}”已存在，未作任何改动；请换一个文件名", "the backup file “{value}” already exists; nothing was changed. Choose another name"),
        "backup_target_unwritable": ("无法写入“{value}”（{reason}）：目录须已存在且可写", "cannot write “{value}” ({reason}): its folder must exist and be writable"),
        "backup_failed": ("备份到“{value}”失败，未留下任何文件：{reason}", "the backup to “{value}” failed and left nothing behind: {reason}"),
        "backup_done": ("已备份到 {value}（{engine}，结构版本 {version}，{events} 条事件，最后一条 #{seq} 记录于 {recorded}，{bytes} 字节）",
                        "backed up to {value} ({engine}, schema version {version}, {events} events, the last #{seq} recorded at {recorded}, {bytes} bytes)"),
        "restore_source_missing": ("找不到备份文件“{value}”或无权读取", "the backup file “{value}” does not exist or cannot be read"),
        "restore_not_a_backup": ("“{value}”不是 Rollout 的备份（既非 SQLite 数据库，也非 pg_dump 自定义格式）：{reason}",
                                 "“{value}” is not a Rollout backup (neither a SQLite database nor a pg_dump custom-format file): {reason}"),
        "restore_damaged": ("备份文件“{value}”已损坏，未恢复任何内容：{reason}", "the backup file “{value}” is damaged; nothing was restored: {reason}"),
        "restore_target_not_empty": ("目标数据库 {value} 不是空的，未作任何改动：只能恢复到空数据库", "the target database {value} is not empty; nothing was changed: a backup is restored only into an empty database"),
        "restore_failed": ("从“{value}”恢复失败，目标数据库未作任何改动：{reason}", "restoring “{value}” failed; the target database was not changed: {reason}"),
        "restore_wrong_engine": ("“{value}”是 {found} 的备份，不能恢复到 {target}：请恢复到同一种数据库", "“{value}” is a {found} backup and cannot be restored into {target}: restore it into the same engine"),
        "restore_done": ("已从 {value} 恢复（{engine}，结构版本 {version}，{events} 条事件，最后一条 #{seq} 记录于 {recorded}）",
                         "restored from {value} ({engine}, schema version {version}, {events} events, the last #{seq} recorded at {recorded})"),
        "schema_migrating": ("数据库结构为版本 {found}，正在升级到 {known}（日志不变，投影必要时由日志重建）……",
                             "the database schema is at version {found}; migrating it to {known} (the log is kept; projections are derived again from it where needed)…"),
        "page_request_id": ("请求编号：{value}（联系管理员时请提供）", "request id: {value} (quote it when asking the administrator)"),
        "tls_file_unreadable": ("无法读取 TLS 文件“{value}”", "cannot read the TLS file “{value}”"),
        "tls_bad_certificate": ("“{value}”不是 PEM 格式的证书（链）：{reason}", "“{value}” is not a PEM certificate (chain): {reason}"),
        "tls_bad_key": ("“{value}”不是 PEM 格式的私钥（RSA 或 EC，未加密）：{reason}", "“{value}” is not a PEM private key (RSA or EC, unencrypted): {reason}"),
        "tls_key_mismatch": ("私钥“{value}”与证书“{certificate}”不匹配，服务未启动", "the private key “{value}” does not belong to the certificate “{certificate}”; the server did not start"),
        "tls_needs_both": ("--tls-cert 与 --tls-key 须同时给出", "--tls-cert and --tls-key go together"),
        "serving_tls": ("仪表盘和 API 已启动（TLS，HTTP/2 与 HTTP/1.1）：{url}", "dashboard and API served (TLS, HTTP/2 and HTTP/1.1): {url}"),
        "restore_checking": ("正在检查恢复后的数据库……", "checking the restored database…"),
    ]
}
