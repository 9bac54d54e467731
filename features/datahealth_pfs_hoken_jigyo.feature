# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt L909（実施主体：健康保険組合）、L913（補助上限：1,000万円／年）、
# L915（基礎分１／２）、L917（成果連動分10／10）、L888–L889（PFSの定義）から：
# 補助額 = min(1/2 × 基礎分 + 10/10 × 成果連動分, 10,000,000円)（円未満切り捨て）。例はカタログ E15。
@datahealth_pfs_hoken_jigyo
機能: 成果連動型民間委託契約方式保健事業（令和7年度 000 L871–L933）

  ルール: 基礎分の1/2と成果連動分の10/10、上限 1,000万円／年（L913–L917）

    シナリオ: 基礎分 8,000,000円・成果連動分 3,000,000円 → 4,000,000 + 3,000,000 = 7,000,000円（カタログ E15 例1）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                              | 値                   |
        | applicant_type（申請者の種別）                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider（民間事業者に委託）| はい                 |
        | outcome_indicator_set（成果指標の設定）           | はい                 |
        | payment_linked_to_outcome（支払額の成果連動）     | はい                 |
        | multi_year_project_adopted_fy2023（R5採択の複数年度）| いいえ            |
        | base_fee_yen（基礎分）                            | 8,000,000            |
        | outcome_fee_paid_yen（成果連動分）                | 3,000,000            |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "base_fee_half" は 4,000,000 円である
      かつ 内訳 "outcome_fee_full" は 3,000,000 円である
      かつ 補助上限額は 10,000,000 円である
      かつ 補助額は 7,000,000 円である
      かつ 読み方の前提 "cap_on_subsidy" が示される
      かつ 読み方の前提 "outcome_fee_as_paid" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 基礎分 16,000,000円・成果連動分 4,000,000円 → 8,000,000 + 4,000,000 = 12,000,000 → 上限 10,000,000円（カタログ E15 例2）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | base_fee_yen                      | 16,000,000           |
        | outcome_fee_paid_yen              | 4,000,000            |
      もし 判定を求める
      ならば 補助上限額は 10,000,000 円である
      かつ 補助額は 10,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 基礎分 12,000,000円・成果連動分 4,000,000円 → 6,000,000 + 4,000,000 = 10,000,000 = 上限ちょうど → 10,000,000円（カタログ E15 例3）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | base_fee_yen                      | 12,000,000           |
        | outcome_fee_paid_yen              | 4,000,000            |
      もし 判定を求める
      ならば 補助額は 10,000,000 円である

    シナリオ: 成果が出ず成果連動分 0 円、基礎分 8,000,000円 → 4,000,000円（カタログ E15 例4）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | base_fee_yen                      | 8,000,000            |
        | outcome_fee_paid_yen              | 0                    |
      もし 判定を求める
      ならば 内訳 "outcome_fee_full" は 0 円である
      かつ 補助額は 4,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 上限の境目と端数 — 成果連動分 4,000,000円、基礎分を動かす
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | outcome_fee_paid_yen              | 4,000,000            |
      かつ 事実 "base_fee_yen" は <基礎分> である
      もし 判定を求める
      ならば 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例:
        | 基礎分     | 補助額     |
        | 0          | 4,000,000  |
        | 11,999,998 | 9,999,999  |
        | 11,999,999 | 9,999,999  |
        | 12,000,000 | 10,000,000 |
        | 12,000,002 | 10,000,000 |

    シナリオ: 基礎分・成果連動分を示さない → 補助上限額 10,000,000円を示す
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助上限額は 10,000,000 円である
      かつ 補助額は 10,000,000 円である

    シナリオ: 基礎分だけ示して成果連動分を示さない → 申請の誤り（422）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | base_fee_yen                      | 8,000,000            |
      もし 判定を求める
      ならば 応答は 422 である
      かつ 誤りのコードは "invalid_facts" である
      かつ 誤りの説明に "outcome_fee_paid_yen" が含まれる

  ルール: 健康保険組合の PFS 事業だけ（L909、L888–L889）

    シナリオ: 固定報酬で成果に連動しない委託 → PFS でないので交付対象外、補助額 0 円（カタログ E15 例4）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | いいえ               |
        | multi_year_project_adopted_fy2023 | いいえ               |
        | base_fee_yen                      | 8,000,000            |
        | outcome_fee_paid_yen              | 0                    |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "payment_linked_to_outcome" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 申請者が協会けんぽ → 実施主体でないので交付対象外、補助額 0 円（カタログ E15 例4）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値             |
        | applicant_type                    | "kyokai_kenpo" |
        | outsourced_to_private_provider    | はい           |
        | outcome_indicator_set             | はい           |
        | payment_linked_to_outcome         | はい           |
        | multi_year_project_adopted_fy2023 | いいえ         |
        | base_fee_yen                      | 8,000,000      |
        | outcome_fee_paid_yen              | 3,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "applicant_is_kenko_hoken_kumiai" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 成果指標が設定されていない → 交付対象外
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | いいえ               |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "outcome_indicator_set" を満たさない

    シナリオ: 民間事業者に委託していない（直営）→ 交付対象外
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | いいえ               |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | いいえ               |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "outsourced_to_private_provider" を満たさない

  ルール: 令和5年度採択の複数年度事業は条件が資料になく未確定（L881、L884）

    シナリオ: 国庫債務負担行為分（令和5年度採択）の事業 → 未確定、補助上限額は示す（カタログ E15 曖昧点(c)）
      前提 制度 "datahealth_pfs_hoken_jigyo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                              | 値                   |
        | applicant_type                    | "kenko_hoken_kumiai" |
        | outsourced_to_private_provider    | はい                 |
        | outcome_indicator_set             | はい                 |
        | payment_linked_to_outcome         | はい                 |
        | multi_year_project_adopted_fy2023 | はい                 |
        | base_fee_yen                      | 8,000,000            |
        | outcome_fee_paid_yen              | 3,000,000            |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "multi_year_fy2023_project_terms" が示される
      かつ 補助額は示されない
      かつ 補助上限額は 10,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
