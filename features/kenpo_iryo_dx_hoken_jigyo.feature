# language: ja
# 金額はすべて手計算です。補助割合は 004_794a44468f0a8ca1.txt の補助割合の頁（L316「…9割」、L318「…4割」、L320「…5割」、
# L356「…6割」、L373「… 2割追加」、L374「… 1割追加」、L389–L392「申請総額から2割減」、L396 ICT→事業区分1、
# L398 最大9割・8割・7割、L370 共同事業の要件）から、カタログ S21 の主たる読み方（H2：区分1 9割、共同事業 6割）による。
# 交付率（申請総額が予算を超えたとき、L394）は配分の問題なので扱わず、補助額は交付率を乗じる前の額。円未満は切り捨て。
@kenpo_iryo_dx_hoken_jigyo
機能: 医療DXを活用した保健事業の取組等に対する財政支援（令和7年度、004 L257–L444・L700–L780）

  ルール: 個別事業 — 事業区分の補助割合＋コラボヘルス2割・新規1割、最大9割・8割・7割（L316–L398）

    シナリオ: 区分1、アプリで健診受診勧奨、既存事業、同意あり、対象経費 10,000,000円 → 9割 = 9,000,000円（カタログ S21 例1）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                         | 値                   |
        | applicant_type（申請者）                     | "kenko_hoken_kumiai" |
        | project_category（事業区分）                 | "1"                  |
        | uses_ict（ICTの活用）                        | はい                 |
        | publicity_only（周知広報だけ）               | いいえ               |
        | joint_project（共同事業）                    | いいえ               |
        | collabo_health（コラボヘルス）               | いいえ               |
        | new_project（新規事業）                      | いいえ               |
        | consents_know_how_sharing（横展開に同意）    | はい                 |
        | eligible_cost_yen（対象経費）                | 10,000,000           |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "jigyo_kubun" は "1" である
      かつ 内訳 "base_rate_category_1" は 9,000,000 円である
      かつ 補助上限額は 9,000,000 円である
      かつ 補助額は 9,000,000 円である
      かつ 読み方の前提 "base_rates_primary_h2" が示される
      かつ 読み方の前提 "kofu_ritsu_not_modelled" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 区分3のセミナー、コラボヘルス・新規、同意あり、2,000,000円 → 4＋2＋1＝7割（最大）= 1,400,000円（カタログ S21 例2）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "3"                  |
        | uses_ict                  | いいえ               |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | はい                 |
        | new_project               | はい                 |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 2,000,000            |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "jigyo_kubun" は "3" である
      かつ 内訳 "base_rate_category_3" は 800,000 円である
      かつ 内訳 "collabo_health_addition" は 400,000 円である
      かつ 内訳 "new_project_addition" は 200,000 円である
      かつ 内訳 "amount_before_reduction" は 1,400,000 円である
      かつ 補助上限額は 1,400,000 円である
      かつ 補助額は 1,400,000 円である
      かつ 読み方の前提 "additions_in_printed_order" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 区分2、既存、コラボなし、同意しない、2,000,000円 → 5割 1,000,000円 から2割減 = 800,000円（カタログ S21 例3）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "2"                  |
        | uses_ict                  | いいえ               |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | いいえ               |
        | eligible_cost_yen         | 2,000,000            |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "no_consent_reduction" を満たす
      かつ 内訳 "amount_before_reduction" は 1,000,000 円である
      かつ 内訳 "no_consent_reduction" は 200,000 円である
      かつ 補助上限額は 1,600,000 円である
      かつ 補助額は 800,000 円である
      かつ 読み方の前提 "no_consent_times_eight_tenths" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 区分3の女性の健康相談をLINE（ICT）で実施 → 事業区分1として9割、1,000,000円 → 900,000円（カタログ S21 例4、L396）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "3"                  |
        | uses_ict                  | はい                 |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 1,000,000            |
      もし 判定を求める
      ならば 結果 "jigyo_kubun" は "1" である
      かつ 要件 "category_2_or_3_with_ict" を満たす
      かつ 内訳 "base_rate_category_3" は適用されない
      かつ 補助額は 900,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 最大補助割合の境目 — 基本＋加算が最大に達するか（L398）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | uses_ict                  | いいえ               |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 1,000,000            |
      かつ 事実 "project_category" は <区分> である
      かつ 事実 "collabo_health" は <コラボ> である
      かつ 事実 "new_project" は <新規> である
      もし 判定を求める
      ならば 補助上限額は <補助上限額> 円である
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例: 1,000,000円に対して：区分1 9＋2＋1＝12割→最大9割、区分2 5＋2＋1＝8割（最大）、5＋2＝7割、5＋1＝6割、区分3 4＋2＋1＝7割（最大）、4＋2＝6割、4割
        | 区分 | コラボ | 新規   | 補助上限額 | 補助額  |
        | "1"  | はい   | はい   | 900,000    | 900,000 |
        | "1"  | いいえ | いいえ | 900,000    | 900,000 |
        | "2"  | はい   | はい   | 800,000    | 800,000 |
        | "2"  | はい   | いいえ | 800,000    | 700,000 |
        | "2"  | いいえ | はい   | 800,000    | 600,000 |
        | "2"  | いいえ | いいえ | 800,000    | 500,000 |
        | "3"  | はい   | はい   | 700,000    | 700,000 |
        | "3"  | はい   | いいえ | 700,000    | 600,000 |
        | "3"  | いいえ | いいえ | 700,000    | 400,000 |

    シナリオ: 端数 — 区分3、対象経費 1,000,001円 → 4/10 × 1,000,001 = 400,000.4 → 切り捨て 400,000円
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "3"                  |
        | uses_ict                  | いいえ               |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 1,000,001            |
      もし 判定を求める
      ならば 補助額は 400,000 円である
      かつ 読み方の前提 "rounding_floor_assumed" が示される

    シナリオ: 端数 — 区分2、同意しない、1,234,567円 → 5/10 × 1,234,567 = 617,283.5、×8/10 = 493,826.8 → 493,826円
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "2"                  |
        | uses_ict                  | いいえ               |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | いいえ               |
        | eligible_cost_yen         | 1,234,567            |
      もし 判定を求める
      ならば 補助額は 493,826 円である

  ルール: 共同事業 — 2健保組合以上、加入者5千人未満の組合を含み、横展開に同意すること、一律6割（L354–L376）

    シナリオアウトライン: 共同事業の要件の境目（カタログ S21 例5）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "3"                  |
        | uses_ict                  | はい                 |
        | publicity_only            | いいえ               |
        | joint_project             | はい                 |
        | collabo_health            | はい                 |
        | new_project               | はい                 |
        | eligible_cost_yen         | 3,000,000            |
      かつ 事実 "joint_society_count" は <組合数> である
      かつ 事実 "joint_smallest_member_count" は <最小加入者数> である
      かつ 事実 "consents_know_how_sharing" は <同意> である
      もし 判定を求める
      ならば <判定>と判定される
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例: 要件を満たせば 3,000,000 × 6/10 = 1,800,000円（加算なし）、満たさなければ交付対象外で 0 円
        | 組合数 | 最小加入者数 | 同意   | 判定       | 補助額    |
        | 2      | 4,999        | はい   | 交付対象   | 1,800,000 |
        | 2      | 5,000        | はい   | 交付対象外 | 0         |
        | 1      | 4,999        | はい   | 交付対象外 | 0         |
        | 3      | 4,999        | はい   | 交付対象   | 1,800,000 |
        | 2      | 4,999        | いいえ | 交付対象外 | 0         |

    シナリオ: 要件を満たす共同事業（6,000人と4,999人の2組合）→ 区分は「joint」、加算は適用されない
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値                   |
        | applicant_type              | "kenko_hoken_kumiai" |
        | project_category            | "2"                  |
        | uses_ict                    | いいえ               |
        | publicity_only              | いいえ               |
        | joint_project               | はい                 |
        | joint_society_count         | 2                    |
        | joint_smallest_member_count | 4,999                |
        | collabo_health              | はい                 |
        | new_project                 | はい                 |
        | consents_know_how_sharing   | はい                 |
        | eligible_cost_yen           | 1,000,000            |
      もし 判定を求める
      ならば 結果 "jigyo_kubun" は "joint" である
      かつ 内訳 "base_rate_joint" は 600,000 円である
      かつ 内訳 "collabo_health_addition" は適用されない
      かつ 内訳 "new_project_addition" は適用されない
      かつ 補助額は 600,000 円である
      かつ 読み方の前提 "joint_project_flat_rate" が示される

  ルール: 対象外 — 健保連・健保組合以外、周知広報だけの事業（L272、L314）

    シナリオ: 協会けんぽの事業 → 交付対象外（カタログ S21・S20 例5 と同じ）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値             |
        | applicant_type            | "kyokai_kenpo" |
        | project_category          | "1"            |
        | uses_ict                  | はい           |
        | publicity_only            | いいえ         |
        | joint_project             | いいえ         |
        | collabo_health            | いいえ         |
        | new_project               | いいえ         |
        | consents_know_how_sharing | はい           |
        | eligible_cost_yen         | 1,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "listed_recipient" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 周知広報だけの事業 → 交付対象外（L314）
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "kenko_hoken_kumiai" |
        | project_category          | "3"                  |
        | uses_ict                  | いいえ               |
        | publicity_only            | はい                 |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 1,000,000            |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "not_publicity_only" を満たさない
      かつ 補助額は 0 円である

  ルール: 健康保険組合連合会の事業 — 補助割合が資料にないので未確定（L303）

    シナリオ: 都道府県連合会のICTを活用した共同事業 → 未確定、補助額は示されない
      前提 制度 "kenpo_iryo_dx_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                      | 値                   |
        | applicant_type            | "todofuken_rengokai" |
        | project_category          | "1"                  |
        | uses_ict                  | はい                 |
        | publicity_only            | いいえ               |
        | joint_project             | いいえ               |
        | collabo_health            | いいえ               |
        | new_project               | いいえ               |
        | consents_know_how_sharing | はい                 |
        | eligible_cost_yen         | 1,000,000            |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "federation_project_rate_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
