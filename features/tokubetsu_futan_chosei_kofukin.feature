# language: ja
# 金額はすべて手計算です。出典は 000_176c77afafd5d7e3.txt の L98（平成29年度から開始）、L99–L100（拠出金負担・義務的支出・
# 全保険者と国費で軽減）、L103（補助率：１／２→令和６年度から２／３）。「過大」の基準と軽減額の算定式は資料にないため、
# 軽減額（特別負担調整額）が示されない申請は未確定と答えます。金額の例はカタログ E03a（基準率 50% は仮の値）。
@tokubetsu_futan_chosei_kofukin
機能: 高齢者医療特別負担調整交付金（000 L98–L103、カタログ E03a）

  ルール: 「過大」の基準が資料にないため、軽減額が示されなければ未確定（L99–L100）

    シナリオ: 前期納付金30億円＋後期支援金25億円＝拠出金負担55億円、法定給付費45億円 → 義務的支出100億円、未確定（E03a 例1）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値                   |
        | applicant_type（申請者の種別）       | "kenko_hoken_kumiai" |
        | zenki_nofukin_yen（前期納付金）      | 3,000,000,000        |
        | kouki_shienkin_yen（後期支援金）     | 2,500,000,000        |
        | hotei_kyufuhi_yen（法定給付費）      | 4,500,000,000        |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "excess_threshold_not_stated" が示される
      かつ 要件 "employee_insurer" を満たす
      かつ 結果 "contribution_burden_yen" は 5500000000 である
      かつ 結果 "obligatory_expenditure_yen" は 10000000000 である
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 拠出金負担50億円・法定給付費50億円（割合ちょうど50%）→ 基準率が資料にないので境目も未確定（E03a 例2）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値              |
        | applicant_type     | "kyosai_kumiai" |
        | zenki_nofukin_yen  | 3,000,000,000   |
        | kouki_shienkin_yen | 2,000,000,000   |
        | hotei_kyufuhi_yen  | 5,000,000,000   |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "excess_threshold_not_stated" が示される
      かつ 結果 "contribution_burden_yen" は 5000000000 である
      かつ 結果 "obligatory_expenditure_yen" は 10000000000 である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 軽減額が示されれば国費分は補助率で決まる — 令和6年度から2/3、令和5年度まで1/2（L103）

    シナリオ: 例1の保険者で軽減額5億円 → 国費 5億円×2/3＝333,333,333.33… → 円未満切り捨て 333,333,333 円（E03a 例1）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                  | 値                   |
        | applicant_type                        | "kenko_hoken_kumiai" |
        | zenki_nofukin_yen                     | 3,000,000,000        |
        | kouki_shienkin_yen                    | 2,500,000,000        |
        | hotei_kyufuhi_yen                     | 4,500,000,000        |
        | relief_amount_yen（軽減額）           | 500,000,000          |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "relief_amount" は 500,000,000 円である
      かつ 補助額は 333,333,333 円である
      かつ 読み方の前提 "national_share_of_relief" が示される
      かつ 読み方の前提 "relief_amount_as_given" が示される
      かつ 読み方の前提 "rounding_floor_yen" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 令和7年度、軽減額10億円 → 10億円×2/3＝666,666,666.66… → 666,666,666 円
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値              |
        | applicant_type     | "kyokai_kenpo"  |
        | zenki_nofukin_yen  | 6,000,000,000   |
        | kouki_shienkin_yen | 5,000,000,000   |
        | hotei_kyufuhi_yen  | 9,000,000,000   |
        | relief_amount_yen  | 1,000,000,000   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 666,666,666 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 同じ保険者の令和5年度（旧補助率）→ 5億円×1/2＝250,000,000 円（E03a 例3）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値                   |
        | applicant_type     | "kenko_hoken_kumiai" |
        | zenki_nofukin_yen  | 3,000,000,000        |
        | kouki_shienkin_yen | 2,500,000,000        |
        | hotei_kyufuhi_yen  | 4,500,000,000        |
        | relief_amount_yen  | 500,000,000          |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 250,000,000 円である
      かつ 読み方の前提 "half_rate_from_fy2017" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 軽減額0円 → 国費分も 0 円
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値                   |
        | applicant_type     | "kenko_hoken_kumiai" |
        | zenki_nofukin_yen  | 1,000,000,000        |
        | kouki_shienkin_yen | 1,000,000,000        |
        | hotei_kyufuhi_yen  | 8,000,000,000        |
        | relief_amount_yen  | 0                    |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 0 円である

  ルール: 被用者保険の保険者で、拠出金負担があること（L86、L99）

    シナリオ: 市町村国保 → 被用者保険者でないので交付対象外、補助額 0 円（未確定にはならない）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値                 |
        | applicant_type     | "kokuho_shichoson" |
        | zenki_nofukin_yen  | 3,000,000,000      |
        | kouki_shienkin_yen | 2,500,000,000      |
        | hotei_kyufuhi_yen  | 4,500,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "employee_insurer" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 後期高齢者医療広域連合（軽減額を示しても）→ 交付対象外
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値                  |
        | applicant_type     | "kouki_koiki_rengo" |
        | zenki_nofukin_yen  | 0                   |
        | kouki_shienkin_yen | 0                   |
        | hotei_kyufuhi_yen  | 4,500,000,000       |
        | relief_amount_yen  | 100,000,000         |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である

    シナリオアウトライン: 境目 — 拠出金負担 0 円は対象外、1 円から対象（過大かどうかは未確定）
      前提 制度 "tokubetsu_futan_chosei_kofukin" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実               | 値                   |
        | applicant_type     | "kenko_hoken_kumiai" |
        | kouki_shienkin_yen | 0                    |
        | hotei_kyufuhi_yen  | 1,000,000,000        |
      かつ 事実 "zenki_nofukin_yen" は <前期納付金> である
      もし 判定を求める
      ならば <判定>と判定される
      かつ 要件 "bears_contributions" を<満たすか>

      例:
        | 前期納付金 | 判定       | 満たすか   |
        | 0          | 交付対象外 | 満たさない |
        | 1          | 未確定     | 満たす     |
