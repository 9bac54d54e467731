# language: ja
# 金額は資料にありません（補助率・上限の記載なし）。出典は 000_176c77afafd5d7e3.txt の L727–L728（対象者・医療機関と連携した保健指導等）、
# L730–L731（循環器病の予防等も対象）、L739（主治医から了解の得られた被保険者）、L750–L754（補助実績は組合数）と、
# 令和6年度は 001_c02c95a32821d2bb.txt の L2625–L2632。例はカタログ E12。
@tonyobyo_jinsho_jushoka_yobo_support
機能: 糖尿病性腎症患者重症化予防の取組への支援（000 L713–L756、001 L2625–L2632、カタログ E12）

  ルール: 対象の取組でも補助率・上限が資料にないので未確定（L733）

    シナリオ: 健保組合が主治医の了解を得た40人に医療機関と連携した保健指導 → 対象だが未確定（E12 例1）
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                                  | 値                     |
        | applicant_type（申請者の種別）                        | "kenko_hoken_kumiai"   |
        | target_condition（重症化予防の対象）                  | "diabetic_nephropathy" |
        | linked_with_medical_institution（医療機関と連携）     | はい                   |
        | attending_physician_consent（主治医の了解）           | はい                   |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "rate_and_cap_not_stated" が示される
      かつ 要件 "linked_with_medical_institution" を満たす
      かつ 補助額は示されない
      かつ 読み方の前提 "physician_consent_required" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 令和6年度、循環器病の予防を目的とした重症化予防の保健指導 → 拡大された対象として未確定（E12 例3）
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                         |
        | applicant_type                  | "kenko_hoken_kumiai"       |
        | target_condition                | "cardiovascular_lifestyle" |
        | linked_with_medical_institution | はい                       |
        | attending_physician_consent     | はい                       |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "target_condition" を満たす
      かつ 読み方の前提 "same_rules_fy2024" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 市町村国保が申請 → 健保組合以外が対象かも資料から確定できず未確定
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                     |
        | applicant_type                  | "kokuho_shichoson"     |
        | target_condition                | "diabetic_nephropathy" |
        | linked_with_medical_institution | はい                   |
        | attending_physician_consent     | はい                   |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "non_kumiai_insurer_scope" が示される
      かつ 未確定の点 "rate_and_cap_not_stated" が示される

  ルール: 医療保険者が、医療機関と連携し、主治医の了解を得た者に行う重症化予防の保健指導等であること（L727–L739）

    シナリオ: 医療機関と連携しない保健指導 → 交付対象外（E12 例2）
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                     |
        | applicant_type                  | "kenko_hoken_kumiai"   |
        | target_condition                | "diabetic_nephropathy" |
        | linked_with_medical_institution | いいえ                 |
        | attending_physician_consent     | はい                   |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "linked_with_medical_institution" を満たさない
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 医療保険者でない診療所の申請 → 交付対象外
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                     |
        | applicant_type                  | "non_insurer"          |
        | target_condition                | "diabetic_nephropathy" |
        | linked_with_medical_institution | はい                   |
        | attending_physician_consent     | はい                   |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "medical_insurer" を満たさない

    シナリオ: 主治医の了解がない者への案内 → 交付対象外（読み方の前提）
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                     |
        | applicant_type                  | "kenko_hoken_kumiai"   |
        | target_condition                | "diabetic_nephropathy" |
        | linked_with_medical_institution | はい                   |
        | attending_physician_consent     | いいえ                 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "physician_consent" を満たさない

    シナリオ: 重症化予防でないその他の保健事業 → 交付対象外
      前提 制度 "tonyobyo_jinsho_jushoka_yobo_support" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                   |
        | applicant_type                  | "kenko_hoken_kumiai" |
        | target_condition                | "other"              |
        | linked_with_medical_institution | はい                 |
        | attending_physician_consent     | はい                 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "target_condition" を満たさない
