import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutImport
@testable import RolloutSQLStorage

/// The `tower_site_code` column of a sites file: it must name a China Tower site registered before
/// or earlier in the file, in the same district; China Tower's own rows name none; what it names is
/// kept with the operator's site and read back for reconciliation.
@Suite struct TowerSiteCodeTests {
    @Test(arguments: Backend.available)
    func aNamedTowerMustExistInTheSameDistrict(backend: Backend) async throws {
        let t = ImporterTests()
        try await backend.withStore { store, _ in
            try await t.setUp(store)
            let bad = try await t.run(.sites, try ImporterTests.file("""
                site_code,operator,region_code,name,lat,lon,kind,host,tower_site_code
                TT-1,tower,500101,万州铁塔,30.811,108.377,macro,new_tower,
                WZ-1,cmcc,500101,万州站,30.811,108.377,macro,new_tower,TT-1
                WZ-2,cmcc,500101,万州站,30.812,108.377,macro,new_tower,TT-404
                TT-2,tower,500101,万州铁塔,30.813,108.377,macro,new_tower,TT-1
                YZ-1,cucc,500103,渝中站,29.556,106.571,macro,existing_tower,TT-1
                """), store)
            #expect(bad.errors.map { "\($0.row):\($0.column):\($0.code)" } == [
                "4:tower_site_code:unknown_tower_site", "5:tower_site_code:tower_code_on_tower", "6:tower_site_code:tower_site_other_region",
            ], "\(bad.errors)")
            #expect(!bad.committed)
            #expect(bad.errors.allSatisfy { $0.message(.zh).contains("铁塔") }, "\(bad.errors)")
            #expect(try await store.eventCount() == 0)
            let good = try await t.run(.sites, try ImporterTests.file("""
                铁塔站址编码,站址编码,运营商,区县代码,站名,纬度,经度,站型,承载
                ,TT-1,铁塔,500101,万州铁塔,30.811,108.377,宏站,new_tower
                TT-1,WZ-1,移动,500101,万州站,30.811,108.377,宏站,new_tower
                """), store)
            #expect(good.committed, "\(good.errors)")
            // Named by a later file: the tower is in the database.
            let later = try await t.run(.sites, try ImporterTests.file("""
                site_code,operator,region_code,name,lat,lon,kind,host,tower_site_code
                WZ-9,ctcc,500101,万州站,30.8111,108.3771,macro,existing_tower,TT-1
                """), store)
            #expect(later.committed, "\(later.errors)")
            let timelines = try await store.reconciliationTimelines(knownAt: nil)
            #expect(Dictionary(uniqueKeysWithValues: timelines.map { ($0.key.entity, $0.towerSiteCode ?? "-") })
                == ["site:tower:TT-1": "-", "site:cmcc:WZ-1": "TT-1", "site:ctcc:WZ-9": "TT-1"])
        }
    }
}
