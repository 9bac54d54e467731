# language: ja
# 数値はすべて手計算です。出典は 000_176c77afafd5d7e3.txt の L107（拠出金負担が過大となる保険者）、L108–L109（賃上げ…健康保険組合）、
# L110–L112（３区分）、L114（補助率：定額）。対象となる基準（率・伸び率）と定額の算定は資料にないため、対象の申請は未確定です。
# カタログ E03b の例は外部資料（未確認）の基準で対象・金額を出していますが、シードにない基準は使いません（シードが優先）。
@koreisha_iryo_unei_enkatsu_hojo
機能: 高齢者医療運営円滑化等補助金（000 L105–L114、カタログ E03b）

  ルール: （１）所要保険料率 — 率は計算できるが、「重い」の基準と定額が資料にないので未確定（L110、L114）

    シナリオ: 健保組合、前期納付金18億円・総報酬1,000億円 → 所要保険料率 18/1000 = 9/500（1.80%）、未確定（E03b 例1）
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                   | 値                      |
        | applicant_type（申請者の種別）         | "kenko_hoken_kumiai"    |
        | sub_scheme（補助の区分）               | "shoyo_hokenryoritsu"   |
        | zenki_nofukin_yen（前期納付金）        | 1,800,000,000           |
        | total_remuneration_yen（総報酬）       | 100,000,000,000         |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "fixed_amount_not_stated" が示される
      かつ 未確定の点 "shoyo_hokenryoritsu_threshold_not_stated" が示される
      かつ 結果 "shoyo_hokenryoritsu" は "9/500" である
      かつ 補助額は示されない
      かつ 読み方の前提 "shoyo_hokenryoritsu_definition" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 所要保険料率ちょうど 1.595%（15.95億円 ÷ 1,000億円 = 1595/100000 = 319/20000）→ 境目の基準が資料にないので未確定（E03b 例2）
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                    |
        | applicant_type         | "kenko_hoken_kumiai"  |
        | sub_scheme             | "shoyo_hokenryoritsu" |
        | zenki_nofukin_yen      | 1,595,000,000         |
        | total_remuneration_yen | 100,000,000,000       |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 結果 "shoyo_hokenryoritsu" は "319/20000" である
      かつ 未確定の点 "shoyo_hokenryoritsu_threshold_not_stated" が示される

    シナリオ: 所要保険料率 2.0%（20億円 ÷ 1,000億円 = 1/50）、1人当たり総報酬が高い共済組合 → 総報酬の基準もシードにないので未確定（E03b 例3）
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                    |
        | applicant_type         | "kyosai_kumiai"       |
        | sub_scheme             | "shoyo_hokenryoritsu" |
        | zenki_nofukin_yen      | 2,000,000,000         |
        | total_remuneration_yen | 100,000,000,000       |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 結果 "shoyo_hokenryoritsu" は "1/50" である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: （２）伸び率・（３）賃上げ — 基準が資料にないので未確定、（３）は健康保険組合だけ（L108–L112）

    シナリオ: （２）前期納付金等 30億円、平成23年度 20億円 → 伸び率 30/20 = 3/2、未確定
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                         | 値                   |
        | applicant_type                               | "kenko_hoken_kumiai" |
        | sub_scheme                                   | "nofukin_nobiritsu"  |
        | zenki_nofukin_tou_yen（前期納付金等）        | 3,000,000,000        |
        | zenki_nofukin_tou_h23_yen（平成23年度）      | 2,000,000,000        |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "growth_threshold_not_stated" が示される
      かつ 未確定の点 "fixed_amount_not_stated" が示される
      かつ 結果 "nofukin_nobiritsu" は "3/2" である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: （３）賃上げ分、健康保険組合 → 未確定
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値                   |
        | applicant_type | "kenko_hoken_kumiai" |
        | sub_scheme     | "chinage"            |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "wage_scheme_societies_only" を満たす
      かつ 未確定の点 "wage_growth_threshold_not_stated" が示される

    シナリオ: （３）賃上げ分に共済組合が申請 → 健康保険組合でないので交付対象外
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実           | 値              |
        | applicant_type | "kyosai_kumiai" |
        | sub_scheme     | "chinage"       |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "wage_scheme_societies_only" を満たさない
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 被用者保険の保険者でなければ交付対象外（L92、L107）

    シナリオ: 市町村国保 → 交付対象外（未確定にはならない）
      前提 制度 "koreisha_iryo_unei_enkatsu_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                    |
        | applicant_type         | "kokuho_shichoson"    |
        | sub_scheme             | "shoyo_hokenryoritsu" |
        | zenki_nofukin_yen      | 1,800,000,000         |
        | total_remuneration_yen | 100,000,000,000       |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "employee_insurer" を満たさない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
