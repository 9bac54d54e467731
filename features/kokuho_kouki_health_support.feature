# language: ja
# 金額はすべて手計算です。出典は 000_176c77afafd5d7e3.txt の L947（予算の内訳：国民健康保険団体連合会等補助金 3.8億円・
# 後期高齢者医療制度関係業務事業費補助金 0.1億円）、L951（実施主体）、L952（補助率 国 7/8 等）、L955–L957（支援の内容）。
# 端数は円未満切り捨て（資料に定めがないための前提）。
@kokuho_kouki_health_support
機能: 国保・後期高齢者ヘルスサポート事業（000 L934–L959、カタログ E16）

  ルール: 国民健康保険団体連合会等補助金の分は対象経費の 7/8（L952）

    シナリオ: 国保連合会、対象経費 8,000,000 円 → 8,000,000 × 7/8 = 7,000,000 円（E16 例1）
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                              | 値                            |
        | applicant_type（申請者の種別）                    | "kokuho_rengokai"             |
        | funding_line（予算の区分）                        | "kokuho_rengokai_tou_hojokin" |
        | supports_kdb_health_projects（KDB活用の支援）     | はい                          |
        | eligible_cost_yen（対象経費）                     | 8,000,000                     |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "eligible_cost" は 8,000,000 円である
      かつ 補助額は 7,000,000 円である
      かつ 読み方の前提 "seven_eighths_for_federation_line" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 7/8 の計算と円未満切り捨て（E16 例2 ほか）
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                         | 値                            |
        | applicant_type               | "kokuho_chuokai"              |
        | funding_line                 | "kokuho_rengokai_tou_hojokin" |
        | supports_kdb_health_projects | はい                          |
      かつ 事実 "eligible_cost_yen" は <対象経費> である
      もし 判定を求める
      ならば 補助額は <補助額> 円である
      かつ 読み方の前提 "rounding_floor_yen" が示される

      例: 対象経費 × 7/8
        | 対象経費  | 補助額  | 計算                                   |
        | 1,000,000 | 875,000 | 1,000,000 × 7/8 = 875,000              |
        | 1,000,001 | 875,000 | 875,000.875 → 切り捨て 875,000         |
        | 7         | 6       | 6.125 → 6                              |
        | 8         | 7       | 7                                      |
        | 0         | 0       | 0                                      |

  ルール: 後期高齢者医療制度関係業務事業費補助金の分は補助率が資料にないので未確定（L947、L952「等」）

    シナリオ: 後期の区分で対象経費 1,000,000 円 → 未確定（7/8 を当てはめない）
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                         | 値                            |
        | applicant_type               | "kokuho_rengokai"             |
        | funding_line                 | "kouki_gyomu_jigyohi_hojokin" |
        | supports_kdb_health_projects | はい                          |
        | eligible_cost_yen            | 1,000,000                     |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "kouki_line_rate_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 実施主体は国保中央会・国保連合会だけ（L951）

    シナリオ: 市町村国保が直接申請 → 実施主体でないので交付対象外、0 円（E16 例3）
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                         | 値                            |
        | applicant_type               | "kokuho_shichoson"            |
        | funding_line                 | "kokuho_rengokai_tou_hojokin" |
        | supports_kdb_health_projects | はい                          |
        | eligible_cost_yen            | 8,000,000                     |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "implementing_body" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 後期の区分でも広域連合の申請は交付対象外（未確定の点は判定に影響しない）
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                         | 値                            |
        | applicant_type               | "kouki_koiki_rengo"           |
        | funding_line                 | "kouki_gyomu_jigyohi_hojokin" |
        | supports_kdb_health_projects | はい                          |
        | eligible_cost_yen            | 1,000,000                     |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である

    シナリオ: KDB等を活用した保健事業の支援でない経費 → 交付対象外
      前提 制度 "kokuho_kouki_health_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                         | 値                            |
        | applicant_type               | "kokuho_rengokai"             |
        | funding_line                 | "kokuho_rengokai_tou_hojokin" |
        | supports_kdb_health_projects | いいえ                        |
        | eligible_cost_yen            | 8,000,000                     |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "supports_kdb_health_projects" を満たさない
