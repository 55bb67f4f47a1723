import RolloutCore

extension Catalogue {
    /// Messages about input refused for its size or structure: limits, hostile workbooks, requests.
    static let limitTexts: [String: (zh: String, en: String)] = [
        "import.field_too_long": ("第 {row} 行有单元格超过 {value} 字节，已拒绝整个文件", "row {row} has a cell longer than {value} bytes; the file is refused"),
        "import.too_many_fields": ("第 {row} 行的字段超过 {value} 个，已拒绝整个文件", "row {row} has more than {value} fields; the file is refused"),
        "import.xlsx_part_too_large": ("工作簿部件 {part} 解压后超过 {value} 字节，已拒绝", "the workbook part {part} is larger than {value} bytes uncompressed; refused"),
        "import.xlsx_doctype": ("工作簿部件 {part} 含有文档类型声明（DOCTYPE/ENTITY），Excel 工作簿不会有，已拒绝",
                                "the workbook part {part} declares a document type (DOCTYPE/ENTITY), which no Excel workbook does; refused"),
        "import.xlsx_encoding": ("工作簿部件 {part} 不是 UTF-8 编码（Excel、WPS 和 LibreOffice 保存的工作簿都是），已拒绝",
                                 "the workbook part {part} is not UTF-8 (as every workbook Excel, WPS or LibreOffice saves is); refused"),
        "import.xlsx_bad_part": ("工作簿部件 {part} 无法解压（已损坏或不是普通文件）", "the workbook part {part} cannot be extracted (damaged, or not a plain file)"),
        "import.xlsx_bad_xml": ("工作簿部件 {part} 的 XML 无效（第 {value} 行附近）", "the workbook part {part} is not valid XML (near line {value})"),
        "import.xlsx_bad_row": ("工作簿部件 {part}：行号“{value}”无效（应为 1 到 1048576）", "the workbook part {part}: row number “{value}” is not valid (use 1 to 1,048,576)"),
        "import.xlsx_row_order": ("工作簿部件 {part}：第 {row} 行之后出现行号“{value}”（行号须递增）", "the workbook part {part}: row number “{value}” follows row {row} (rows must ascend)"),
        "import.xlsx_bad_cell_reference": ("工作簿部件 {part} 第 {row} 行：单元格引用“{value}”无效（列不能超过 XFD）",
                                           "the workbook part {part}, row {row}: the cell reference “{value}” is not valid (columns end at XFD)"),
        "import.xlsx_bad_shared_string": ("工作簿部件 {part} 第 {row} 行：共享字符串序号“{value}”不存在", "the workbook part {part}, row {row}: shared string index “{value}” does not exist"),
        "import.too_early": ("日期 {value} 早于 {earliest}（攻坚行动开始前过久）", "the date {value} is before {earliest} (too long before the campaign started)"),
        "import.too_late": ("日期 {value} 晚于 {latest}（超出计划期）", "the date {value} is after {latest} (beyond the plan)"),
        "database_busy": ("数据库正被另一项写入占用（已等待 {value} 秒），请稍后重试；本次没有写入任何内容",
                          "the database is held by another write (waited {value} s); try again shortly: nothing was written"),
        "bench_needs_empty_database": ("负载基准测试需要一个空数据库（它会创建自己的攻坚行动）", "the load benchmark needs an empty database (it creates its own campaign)"),
        "page_download": ("下载：", "Download:"),
        "bad_limit": ("{name} 的值“{value}”无效：应为不小于 {minimum} 的整数", "{name} “{value}” is not valid: use a whole number of at least {minimum}"),
        "request_too_large": ("请求体过大（上限 {value} 字节）", "the request body is too large (limit {value} bytes)"),
        "too_many_streams": ("该账号打开的实时页面过多（上限 {value} 个），请关闭一些页面后重试", "this account holds too many live pages open (limit {value}); close some and try again"),
    ]
}
