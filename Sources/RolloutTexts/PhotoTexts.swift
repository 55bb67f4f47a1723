extension Catalogue {
    /// Photos as evidence: why a file is not taken as a photo.
    static let photoTexts: [String: (zh: String, en: String)] = [
        "photo_not_jpeg": ("不是 JPEG 照片", "not a JPEG photo"),
        "photo_truncated": ("照片文件不完整（被截断）", "the photo is cut short (truncated)"),
        "photo_bad_segment": ("照片文件结构错误（第 {value} 字节）", "the photo's structure is broken (at byte {value})"),
        "photo_no_frame": ("照片没有图像帧", "the photo holds no picture frame"),
        "photo_too_large": ("照片超过 {value} MB", "the photo is larger than {value} MB"),
        "photo_unreadable": ("无法解码照片：{value}", "the photo cannot be decoded: {value}"),
        "photo_encode_failed": ("无法生成照片：{value}", "the photo cannot be encoded: {value}"),
        "exif_bad_header": ("照片的 EXIF 信息头错误", "the photo's EXIF block has a bad header"),
        "exif_offset_past_end": ("照片的 EXIF 信息指向文件之外（位置 {value}）", "the photo's EXIF block points past its end (at {value})"),
        "exif_loop": ("照片的 EXIF 信息存在循环引用（位置 {value}）", "the photo's EXIF block loops back on itself (at {value})"),
        "exif_too_many_entries": ("照片的 EXIF 目录条目过多（{value}）", "the photo's EXIF directory has too many entries ({value})"),
        "evidence_check_gps_missing": ("照片没有 GPS 位置", "the photo has no GPS position"),
        "evidence_check_too_far": ("拍摄位置距站点过远", "taken too far from the site"),
        "evidence_check_time_missing": ("照片没有拍摄时间", "the photo has no time it was taken"),
        "evidence_check_taken_too_early": ("拍摄时间早于上一施工阶段", "taken before the site's previous stage"),
        "evidence_check_taken_too_late": ("拍摄时间晚于上报时间", "taken after the report was recorded"),
        "evidence_check_reused": ("同一照片已作为其他站点的凭证", "the same photo is evidence of another site"),
    ]
}
