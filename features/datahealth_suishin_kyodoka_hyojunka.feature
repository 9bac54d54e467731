# language: ja
# 金額は資料にありません（補助率・上限の記載なし）。出典は 000_176c77afafd5d7e3.txt の L801–L803（健康保険組合等の保険者、
# 対象の3事業）、L811–L813（複数の保険者が共同で実施）、L844–L845（標準化の検討に係る費用）、L855–L865（改修）、L807（予算額）。
# 例はカタログ E14。
@datahealth_suishin_kyodoka_hyojunka
機能: レセプト・健診情報等を活用したデータヘルス推進事業（000 L797–L870、カタログ E14）

  ルール: 対象の事業でも補助率・上限が資料にないので未確定（L801–L807）

    シナリオ: 健保組合A・B・Cの3組合のコンソーシアムによる共同の保健事業 → 対象だが未確定（E14 例1）
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                        | 値                   |
        | applicant_type（申請者の種別）              | "kenko_hoken_kumiai" |
        | project_type（事業の類型）                  | "kyodoka"            |
        | joint_insurer_count（共同で実施する保険者数）| 3                   |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "rate_and_cap_not_stated" が示される
      かつ 要件 "joint_with_other_insurers" を満たす
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 単独の健保組合による保健事業のパターン化（標準化）の検討 → 標準化の類型として未確定（E14 例2 の後段）
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                   |
        | applicant_type | "kenko_hoken_kumiai" |
        | project_type   | "hyojunka"           |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "joint_with_other_insurers" を満たす
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: スコアリングシステムの改修 → 実施主体も資料になく未確定
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                   |
        | applicant_type | "kenko_hoken_kumiai" |
        | project_type   | "scoring_kaishu"     |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "system_upgrade_recipient_not_stated" が示される

    シナリオ: 共済組合による共同化 →「健康保険組合等」の範囲も未確定
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                | 値              |
        | applicant_type      | "kyosai_kumiai" |
        | project_type        | "kyodoka"       |
        | joint_insurer_count | 2               |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "insurer_scope_beyond_kumiai" が示される

  ルール: 共同化は2以上の保険者で、対象の類型の事業であること（L801–L803、L811–L813）

    シナリオアウトライン: 境目 — 共同で実施する保険者が1では交付対象外、2から対象（E14 例2 の前段）
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                   |
        | applicant_type | "kenko_hoken_kumiai" |
        | project_type   | "kyodoka"            |
      かつ 事実 "joint_insurer_count" は <保険者数> である
      もし 判定を求める
      ならば <判定>と判定される
      かつ 要件 "joint_with_other_insurers" を<満たすか>
      かつ 読み方の前提 "joint_means_two_or_more_insurers" が示される

      例:
        | 保険者数 | 判定       | 満たすか   |
        | 1        | 交付対象外 | 満たさない |
        | 2        | 未確定     | 満たす     |

    シナリオ: 単独の健保組合の通常の保健事業（共同の要素なし）→ 交付対象外（E14 例2）
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                   |
        | applicant_type | "kenko_hoken_kumiai" |
        | project_type   | "other"              |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "project_type_in_scope" を満たさない
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 保険者でない民間事業者の申請 → 交付対象外
      前提 制度 "datahealth_suishin_kyodoka_hyojunka" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                | 値            |
        | applicant_type      | "non_insurer" |
        | project_type        | "kyodoka"     |
        | joint_insurer_count | 3             |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "insurer" を満たさない
