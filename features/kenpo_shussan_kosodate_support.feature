# language: ja
# 金額はすべて手計算です。令和6年度は 004_794a44468f0a8ca1.txt の補助割合の頁（L140「…３割」、L142「…５割」、L144「…３割」、
# L199「…2割 …1割」、L197「最大補助割合は8割／6割」、L190 2健保組合の要件、L191 B優先）から、カタログ S20 の主たる読み方 R-S
# （低確度）による。交付率（令和6年度 7.7億円 ÷ 11.8億円 ＝ 77/118、印字 65.254%、L110）は配分の問題なので扱わず、補助額は交付率を
# 乗じる前の交付見込額（カタログ S20 の例は交付率を乗じた後の額も示す）。円未満は切り捨て。
# 令和7年度は 000_176c77afafd5d7e3.txt L179–L220（概算要求 20百万円）で、補助割合・上限が示されていないので未確定。
@kenpo_shussan_kosodate_support
機能: 出産・子育ての安心につながる環境整備等の取組に対する財政支援（令和6年度 004 L10–L256、令和7年度 000 L179–L220）

  ルール: 令和6年度 — 基本の補助割合＋A/B 2割＋ノウハウ共有 1割、最大8割・6割（L138–L205）

    シナリオ: 区分②（5割）、Aコラボヘルス＋ノウハウ共有、1,000,000円 → 5＋2＋1＝8割（最大）= 800,000円（カタログ S20 例1。交付率を乗じると 522,032円だが扱わない）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                | 値                   |
        | applicant_type（申請者）            | "kenko_hoken_kumiai" |
        | project_category（事業区分）        | "2"                  |
        | collabo_health（A コラボヘルス）    | はい                 |
        | joint_project（B 共同事業）         | いいえ               |
        | shares_know_how（ノウハウ共有）     | はい                 |
        | eligible_cost_yen（対象事業費）     | 1,000,000            |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "addition_type" は "A" である
      かつ 内訳 "base_rate_category_2" は 500,000 円である
      かつ 内訳 "addition_a_or_b" は 200,000 円である
      かつ 内訳 "know_how_sharing_addition" は 100,000 円である
      かつ 補助上限額は 800,000 円である
      かつ 補助額は 800,000 円である
      かつ 読み方の前提 "rate_table_reading_rs" が示される
      かつ 読み方の前提 "kofu_ritsu_not_modelled" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 区分①（3割）、2組合の共同事業で相手は 9,999人、共有なし、2,000,000円 → 3＋2＝5割 = 1,000,000円（カタログ S20 例2。交付率後 652,540円は扱わない）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値                   |
        | applicant_type              | "kenko_hoken_kumiai" |
        | project_category            | "1"                  |
        | collabo_health              | いいえ               |
        | joint_project               | はい                 |
        | joint_society_count         | 2                    |
        | joint_smallest_member_count | 9,999                |
        | shares_know_how             | いいえ               |
        | eligible_cost_yen           | 2,000,000            |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "addition_type" は "B" である
      かつ 要件 "b_joint_project" を満たす
      かつ 内訳 "base_rate_category_1" は 600,000 円である
      かつ 内訳 "addition_a_or_b" は 400,000 円である
      かつ 内訳 "know_how_sharing_addition" は適用されない
      かつ 補助上限額は 1,200,000 円である
      かつ 補助額は 1,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 2組合の共同事業の境目 — 小さい方が 1万人未満か（カタログ S20 例3、L190）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                | 値                   |
        | applicant_type      | "kenko_hoken_kumiai" |
        | project_category    | "1"                  |
        | joint_project       | はい                 |
        | shares_know_how     | いいえ               |
        | eligible_cost_yen   | 2,000,000            |
      かつ 事実 "joint_society_count" は <組合数> である
      かつ 事実 "joint_smallest_member_count" は <最小加入者数> である
      かつ 事実 "collabo_health" は <コラボ> である
      もし 判定を求める
      ならば 結果 "addition_type" は "<加算>" である
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例: 2,000,000円 × 3割 = 600,000円、加算2割があれば × 5割 = 1,000,000円
        | 組合数 | 最小加入者数 | コラボ | 加算 | 補助額    |
        | 2      | 9,999        | いいえ | B    | 1,000,000 |
        | 2      | 10,000       | いいえ | none | 600,000   |
        | 2      | 10,000       | はい   | A    | 1,000,000 |
        | 1      | 500          | いいえ | none | 600,000   |
        | 3      | 10,000       | いいえ | B    | 1,000,000 |

    シナリオ: A と B が同時に当てはまる → B 共同事業を優先（カタログ S20 例4、L191）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値                   |
        | applicant_type              | "kenko_hoken_kumiai" |
        | project_category            | "3"                  |
        | collabo_health              | はい                 |
        | joint_project               | はい                 |
        | joint_society_count         | 2                    |
        | joint_smallest_member_count | 3,000                |
        | shares_know_how             | はい                 |
        | eligible_cost_yen           | 1,000,000            |
      もし 判定を求める
      ならば 結果 "addition_type" は "B" である
      かつ 区分の判定 "addition_b" が適用される
      かつ 補助上限額は 600,000 円である
      かつ 補助額は 600,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 最大補助割合の境目 — 基本＋加算は最大（基本＋3割）を超えない（L197）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                   |
        | applicant_type    | "kenko_hoken_kumiai" |
        | joint_project     | いいえ               |
        | eligible_cost_yen | 1,000,000            |
      かつ 事実 "project_category" は <区分> である
      かつ 事実 "collabo_health" は <コラボ> である
      かつ 事実 "shares_know_how" は <共有> である
      もし 判定を求める
      ならば 補助上限額は <補助上限額> 円である
      かつ 補助額は <補助額> 円である

      例: 1,000,000円に対して：区分①③ 3＋2＋1＝6割（最大）、3＋2＝5割、共有だけでは加算なし 3割；区分② 5＋2＋1＝8割（最大）、5割
        | 区分 | コラボ | 共有   | 補助上限額 | 補助額  |
        | "1"  | はい   | はい   | 600,000    | 600,000 |
        | "1"  | はい   | いいえ | 600,000    | 500,000 |
        | "1"  | いいえ | はい   | 600,000    | 300,000 |
        | "2"  | はい   | はい   | 800,000    | 800,000 |
        | "2"  | いいえ | いいえ | 800,000    | 500,000 |
        | "3"  | はい   | はい   | 600,000    | 600,000 |
        | "3"  | いいえ | いいえ | 600,000    | 300,000 |

    シナリオ: 端数 — 区分①、333,333円 → 3/10 × 333,333 = 99,999.9 → 切り捨て 99,999円
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                   |
        | applicant_type    | "kenko_hoken_kumiai" |
        | project_category  | "1"                  |
        | collabo_health    | いいえ               |
        | joint_project     | いいえ               |
        | shares_know_how   | いいえ               |
        | eligible_cost_yen | 333,333              |
      もし 判定を求める
      ならば 補助額は 99,999 円である
      かつ 読み方の前提 "rounding_floor_assumed" が示される

    シナリオ: 協会けんぽの事業 → 交付対象外（カタログ S20 例5）
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値             |
        | applicant_type    | "kyokai_kenpo" |
        | project_category  | "2"            |
        | collabo_health    | いいえ         |
        | joint_project     | いいえ         |
        | shares_know_how   | いいえ         |
        | eligible_cost_yen | 1,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "listed_recipient" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 健保連の本部事業 → 補助割合が資料にないので未確定
      前提 制度 "kenpo_shussan_kosodate_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値          |
        | applicant_type    | "kenporen"  |
        | project_category  | "2"         |
        | collabo_health    | いいえ      |
        | joint_project     | いいえ      |
        | shares_know_how   | いいえ      |
        | eligible_cost_yen | 1,000,000   |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "federation_project_rate_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 令和7年度 — 実施主体と取組は決まるが、補助割合・上限は資料にない（000 L179–L220）

    シナリオ: 健保組合が企業と連携して女性の健康セミナー → 未確定（補助割合・上限なし。カタログ E05 例1）
      前提 制度 "kenpo_shussan_kosodate_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                    |
        | applicant_type | "kenko_hoken_kumiai"  |
        | activity       | "josei_kenko_seminar" |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "listed_activity" を満たす
      かつ 未確定の点 "rate_and_ceiling_not_stated" が示される
      かつ 補助額は示されない
      かつ 補助上限額は示されない
      かつ 読み方の前提 "fy2024_rates_not_carried_over" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 例示されていない取組 → 未確定、取組の範囲も未確定の点として示す
      前提 制度 "kenpo_shussan_kosodate_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値         |
        | applicant_type | "kenporen" |
        | activity       | "other"    |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "activity_list_not_exhaustive" が示される
      かつ 未確定の点 "rate_and_ceiling_not_stated" が示される

    シナリオ: 協会けんぽが同じセミナー → 交付対象外（カタログ E05 例2）
      前提 制度 "kenpo_shussan_kosodate_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                    |
        | applicant_type | "kyokai_kenpo"        |
        | activity       | "josei_kenko_seminar" |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "listed_recipient" を満たさない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
