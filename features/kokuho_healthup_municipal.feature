# language: ja
# 金額はすべて手計算です。令和6年度は 001_c02c95a32821d2bb.txt の表（L1786 基準額①、L1826 基準額②、
# L1871 加算額）、令和3年度は 002_736bba6527a38a0e.txt の表（L278（Ａ）、L282（Ｂ）、L286（Ｃ））から。
# 「対象経費」を示さない申請では、補助額として補助上限額を示します（カタログ programs.yaml の約束）。
@kokuho_healthup_municipal
機能: 市町村国保ヘルスアップ事業（令和3年度 002 L202–L290・L362–L386、令和6年度 001 L1763–L1874）

  ルール: 令和6年度 — 事業区分ごとに基準額①（①②）・基準額②（③④⑤）を合算し、最大3区分まで（L1832–L1833）

    シナリオ: 被保険者3万人、①③④⑤を実施、指定モデル事業と第三者評価 → 補助上限額 33,000千円（カタログ B13 例1・programs.yaml 例1）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                        | 値                  |
        | insured_count（被保険者数）                 | 30,000              |
        | has_data_health_plan（データヘルス計画）    | はい                |
        | categories（事業区分）                      | ["1","3","4","5"]   |
        | third_party_evaluation（第三者の支援・評価）| はい                |
        | designated_model（モデル事業の指定）        | はい                |
        | prefecture_municipality_count（管内市町村数）| 20                 |
        | prefecture_designated_count（指定数）       | 3                   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "category_reference_amounts" は 27,000,000 円である
      かつ 内訳 "category_reference_amounts" で合算される区分は ["3","4","5"] である
      かつ 内訳 "model_project_addition" は 6,000,000 円である
      かつ 補助上限額は 33,000,000 円である
      かつ 補助額は 33,000,000 円である
      かつ 読み方の前提 "three_largest_reference_amounts" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 同じ申請で対象経費 40,000千円 → 上限の 33,000千円（B13 例1）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                |
        | insured_count                 | 30,000            |
        | has_data_health_plan          | はい              |
        | categories                    | ["1","3","4","5"] |
        | third_party_evaluation        | はい              |
        | designated_model              | はい              |
        | prefecture_municipality_count | 20                |
        | prefecture_designated_count   | 3                 |
        | eligible_cost_yen（対象経費） | 40,000,000        |
      もし 判定を求める
      ならば 補助上限額は 33,000,000 円である
      かつ 補助額は 33,000,000 円である

    シナリオ: 同じ申請で対象経費 30,000千円 → 経費の10/10 で 30,000千円（B13 例1）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                |
        | insured_count                 | 30,000            |
        | has_data_health_plan          | はい              |
        | categories                    | ["1","3","4","5"] |
        | third_party_evaluation        | はい              |
        | designated_model              | はい              |
        | prefecture_municipality_count | 20                |
        | prefecture_designated_count   | 3                 |
        | eligible_cost_yen             | 30,000,000        |
      もし 判定を求める
      ならば 補助上限額は 33,000,000 円である
      かつ 補助額は 30,000,000 円である

    シナリオ: 12万人で5区分すべて → 高い順に ③④⑤ の 18,000千円×3 = 54,000千円（B13 例4）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                        |
        | insured_count          | 120,000                   |
        | has_data_health_plan   | はい                      |
        | categories             | ["1","2","3","4","5"]     |
        | third_party_evaluation | いいえ                    |
        | designated_model       | いいえ                    |
      もし 判定を求める
      ならば 補助上限額は 54,000,000 円である
      かつ 内訳 "category_reference_amounts" で合算される区分は ["3","4","5"] である
      かつ 内訳 "model_project_addition" は適用されない

    シナリオ: 9,999人で①のみ → 基準額① 3,000千円（programs.yaml 例2）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値     |
        | insured_count          | 9,999  |
        | has_data_health_plan   | はい   |
        | categories             | ["1"]  |
        | third_party_evaluation | いいえ |
        | designated_model       | いいえ |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助上限額は 3,000,000 円である
      かつ 補助額は 3,000,000 円である

    シナリオアウトライン: 帯の境目 — ①②の2区分は基準額①×2（B13 例2、L1775–L1786）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値        |
        | has_data_health_plan   | はい      |
        | categories             | ["1","2"] |
        | third_party_evaluation | いいえ    |
        | designated_model       | いいえ    |
      かつ 事実 "insured_count" は <被保険者数> である
      もし 判定を求める
      ならば 補助上限額は <補助上限額> 円である

      例:
        | 被保険者数 | 補助上限額 |
        | 0          | 6,000,000  |
        | 9,999      | 6,000,000  |
        | 10,000     | 9,000,000  |
        | 49,999     | 9,000,000  |
        | 50,000     | 12,000,000 |
        | 99,999     | 12,000,000 |
        | 100,000    | 18,000,000 |
        | 199,999    | 18,000,000 |
        | 200,000    | 27,000,000 |

    シナリオアウトライン: 帯の境目 — ③のみ、指定モデル事業と第三者評価で基準額②＋加算額（B13 例3、L1826・L1871）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値    |
        | has_data_health_plan          | はい  |
        | categories                    | ["3"] |
        | third_party_evaluation        | はい  |
        | designated_model              | はい  |
        | prefecture_municipality_count | 20    |
        | prefecture_designated_count   | 1     |
      かつ 事実 "insured_count" は <被保険者数> である
      もし 判定を求める
      ならば 内訳 "category_reference_amounts" は <基準額②> 円である
      かつ 内訳 "model_project_addition" は <加算額> 円である
      かつ 補助上限額は <補助上限額> 円である

      例:
        | 被保険者数 | 基準額②   | 加算額     | 補助上限額 |
        | 9,999      | 6,000,000  | 4,000,000  | 10,000,000 |
        | 10,000     | 9,000,000  | 6,000,000  | 15,000,000 |
        | 49,999     | 9,000,000  | 6,000,000  | 15,000,000 |
        | 50,000     | 12,000,000 | 8,000,000  | 20,000,000 |
        | 99,999     | 12,000,000 | 8,000,000  | 20,000,000 |
        | 100,000    | 18,000,000 | 12,000,000 | 30,000,000 |
        | 199,999    | 18,000,000 | 12,000,000 | 30,000,000 |
        | 200,000    | 27,000,000 | 18,000,000 | 45,000,000 |

  ルール: 令和6年度 — 加算額は指定・15%以内・第三者の支援評価がそろったときだけ（L1848–L1856）

    シナリオ: 指定を受けたが第三者評価なし → 加算額なし、上限は ①② の 9,000千円のまま（B13 例5）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値        |
        | insured_count                 | 49,999    |
        | has_data_health_plan          | はい      |
        | categories                    | ["1","2"] |
        | third_party_evaluation        | いいえ    |
        | designated_model              | はい      |
        | prefecture_municipality_count | 20        |
        | prefecture_designated_count   | 3         |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "third_party_evaluation" を満たさない
      かつ 内訳 "model_project_addition" は適用されない
      かつ 補助上限額は 9,000,000 円である

    シナリオ: 管内21市町村で4つ目の指定 → 上限 floor(21×15/100)=3 を超え加算額なし（B13 例6）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値     |
        | insured_count                 | 30,000 |
        | has_data_health_plan          | はい   |
        | categories                    | ["3"]  |
        | third_party_evaluation        | はい   |
        | designated_model              | はい   |
        | prefecture_municipality_count | 21     |
        | prefecture_designated_count   | 4      |
      もし 判定を求める
      ならば 要件 "designation_within_cap" を満たさない
      かつ 内訳 "model_project_addition" は適用されない
      かつ 補助上限額は 9,000,000 円である
      かつ 読み方の前提 "designation_cap_floor" が示される

  ルール: 令和6年度 — データヘルス計画がなければ交付対象外（L1770・L1842）

    シナリオ: データヘルス計画なし → 交付対象外、補助額 0 円（B13 例5）
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値            |
        | insured_count          | 30,000        |
        | has_data_health_plan   | いいえ        |
        | categories             | ["1","3"]     |
        | third_party_evaluation | はい          |
        | designated_model       | いいえ        |
        | eligible_cost_yen      | 10,000,000    |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "data_health_plan" を満たさない
      かつ 補助額は 0 円である
      かつ 補助上限額は示されない

    シナリオ: 事業区分がひとつもない → 交付対象外
      前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値     |
        | insured_count          | 30,000 |
        | has_data_health_plan   | はい   |
        | categories             | []     |
        | third_party_evaluation | いいえ |
        | designated_model       | いいえ |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である

  ルール: 令和3年度 —（Ａ）（Ｂ）（Ｃ）は累積要件、すべて満たす最上位の区分の基準額（002 L223–L261）

    シナリオ: 1万人ちょうど、①②、第三者評価なし、経費 10,500千円 →（Ａ）9,000千円（カタログ S02 例1）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値         |
        | insured_count          | 10,000     |
        | has_data_health_plan   | はい       |
        | categories             | ["1","2"]  |
        | third_party_evaluation | いいえ     |
        | designated_model       | いいえ     |
        | eligible_cost_yen      | 10,500,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "tier" は "A" である
      かつ 補助上限額は 9,000,000 円である
      かつ 補助額は 9,000,000 円である

    シナリオ: 同じ申請で対象経費なし →（Ａ）補助上限額 9,000千円（programs.yaml 例3）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値        |
        | insured_count          | 10,000    |
        | has_data_health_plan   | はい      |
        | categories             | ["1","2"] |
        | third_party_evaluation | いいえ    |
        | designated_model       | いいえ    |
      もし 判定を求める
      ならば 結果 "tier" は "A" である
      かつ 補助上限額は 9,000,000 円である
      かつ 補助額は 9,000,000 円である

    シナリオ: 9,999人、①③、第三者評価あり、経費 10,500千円 →（Ｂ）10,000千円（カタログ S02 例2）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値         |
        | insured_count          | 9,999      |
        | has_data_health_plan   | はい       |
        | categories             | ["1","3"]  |
        | third_party_evaluation | はい       |
        | designated_model       | いいえ     |
        | eligible_cost_yen      | 10,500,000 |
      もし 判定を求める
      ならば 結果 "tier" は "B" である
      かつ 要件 "b1_general_project_or_demo" を満たす
      かつ 要件 "b2_third_party_or_demo" を満たす
      かつ 補助上限額は 10,000,000 円である
      かつ 補助額は 10,000,000 円である

    シナリオ: （Ｃ）を目指したが第三者評価を受けられなかった →（Ａ）の基準額内 12,000千円（カタログ S02 例3、FAQ L381–L386）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値               |
        | insured_count                 | 50,000           |
        | has_data_health_plan          | はい             |
        | categories                    | ["1","3","4p"]   |
        | third_party_evaluation        | いいえ           |
        | designated_model              | はい             |
        | prefecture_municipality_count | 35               |
        | prefecture_designated_count   | 5                |
        | eligible_cost_yen             | 30,000,000       |
      もし 判定を求める
      ならば 結果 "tier" は "A" である
      かつ 区分の判定 "tier_a_by_faq_fallback" が適用される
      かつ 理由 "tier_a_by_faq_fallback" の出典は 002_736bba6527a38a0e.txt の 385 行目である
      かつ 補助上限額は 12,000,000 円である
      かつ 補助額は 12,000,000 円である
      かつ 読み方の前提 "faq_fallback_literal" が示される

    シナリオ: 10万人、①とh）大規模実証事業、③なし・第三者なし →（Ｂ）32,000千円、経費 25,000千円（カタログ S02 例4）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                       | 値         |
        | insured_count                              | 100,000    |
        | has_data_health_plan                       | はい       |
        | categories                                 | ["1","2"]  |
        | diabetic_nephropathy_via_large_scale_demo  | はい       |
        | third_party_evaluation                     | いいえ     |
        | designated_model                           | いいえ     |
        | eligible_cost_yen                          | 25,000,000 |
      もし 判定を求める
      ならば 結果 "tier" は "B" である
      かつ 補助上限額は 32,000,000 円である
      かつ 補助額は 25,000,000 円である

    シナリオ: ①②③すべてを実施し第三者評価なし →「2区分以上」と読むので（Ａ）（読み方の前提）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値            |
        | insured_count          | 20,000        |
        | has_data_health_plan   | はい          |
        | categories             | ["1","2","3"] |
        | third_party_evaluation | いいえ        |
        | designated_model       | いいえ        |
      もし 判定を求める
      ならば 結果 "tier" は "A" である
      かつ 補助上限額は 9,000,000 円である
      かつ 読み方の前提 "at_least_two_of_three" が示される

    シナリオ: 管内35市町村で5つの指定（上限 floor(5.25)=5）→（Ｃ）20,250千円（カタログ S02 例6）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値             |
        | insured_count                 | 10,000         |
        | has_data_health_plan          | はい           |
        | categories                    | ["1","3","4p"] |
        | third_party_evaluation        | はい           |
        | designated_model              | はい           |
        | prefecture_municipality_count | 35             |
        | prefecture_designated_count   | 5              |
      もし 判定を求める
      ならば 結果 "tier" は "C" である
      かつ 要件 "c2_designation_within_cap" を満たす
      かつ 補助上限額は 20,250,000 円である

    シナリオ: 管内35市町村で6つ目の指定 →（Ｃ）にならず（Ｂ）16,000千円（カタログ S02 例6）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値             |
        | insured_count                 | 10,000         |
        | has_data_health_plan          | はい           |
        | categories                    | ["1","3","4p"] |
        | third_party_evaluation        | はい           |
        | designated_model              | はい           |
        | prefecture_municipality_count | 35             |
        | prefecture_designated_count   | 6              |
      もし 判定を求める
      ならば 結果 "tier" は "B" である
      かつ 要件 "c2_designation_within_cap" を満たさない
      かつ 補助上限額は 16,000,000 円である

    シナリオ: データヘルス計画なし → どの区分にもならず交付対象外（カタログ S02 例5）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値         |
        | insured_count          | 10,000     |
        | has_data_health_plan   | いいえ     |
        | categories             | ["1","2"]  |
        | third_party_evaluation | はい       |
        | designated_model       | いいえ     |
        | eligible_cost_yen      | 10,500,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 結果 "tier" は示されない
      かつ 補助額は 0 円である

    シナリオ: ①のみ（3区分のうち1区分）→ 交付対象外（カタログ S02 例5）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値     |
        | insured_count          | 10,000 |
        | has_data_health_plan   | はい   |
        | categories             | ["1"]  |
        | third_party_evaluation | はい   |
        | designated_model       | いいえ |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "a2_two_of_three_categories" を満たさない

    シナリオアウトライン: 帯の境目 —（Ａ）（Ｂ）（Ｃ）の基準額（002 L276–L286）
      前提 制度 "kokuho_healthup_municipal" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値             |
        | has_data_health_plan          | はい           |
        | prefecture_municipality_count | 40             |
        | prefecture_designated_count   | 6              |
        | designated_model              | はい           |
      かつ 事実 "categories" は <事業区分> である
      かつ 事実 "third_party_evaluation" は <第三者> である
      かつ 事実 "insured_count" は <被保険者数> である
      もし 判定を求める
      ならば 結果 "tier" は "<区分>" である
      かつ 補助上限額は <補助上限額> 円である

      例:
        | 事業区分         | 第三者 | 被保険者数 | 区分 | 補助上限額 |
        | ["1","2"]        | いいえ | 9,999      | A    | 6,000,000  |
        | ["1","2"]        | いいえ | 10,000     | A    | 9,000,000  |
        | ["1","2"]        | いいえ | 49,999     | A    | 9,000,000  |
        | ["1","2"]        | いいえ | 50,000     | A    | 12,000,000 |
        | ["1","2"]        | いいえ | 99,999     | A    | 12,000,000 |
        | ["1","2"]        | いいえ | 100,000    | A    | 18,000,000 |
        | ["1","3"]        | はい   | 9,999      | B    | 10,000,000 |
        | ["1","3"]        | はい   | 10,000     | B    | 16,000,000 |
        | ["1","3"]        | はい   | 49,999     | B    | 16,000,000 |
        | ["1","3"]        | はい   | 50,000     | B    | 20,000,000 |
        | ["1","3"]        | はい   | 99,999     | B    | 20,000,000 |
        | ["1","3"]        | はい   | 100,000    | B    | 32,000,000 |
        | ["2","3","4p"]   | はい   | 9,999      | C    | 13,500,000 |
        | ["2","3","4p"]   | はい   | 10,000     | C    | 20,250,000 |
        | ["2","3","4p"]   | はい   | 49,999     | C    | 20,250,000 |
        | ["2","3","4p"]   | はい   | 50,000     | C    | 27,000,000 |
        | ["2","3","4p"]   | はい   | 99,999     | C    | 27,000,000 |
        | ["2","3","4p"]   | はい   | 100,000    | C    | 40,500,000 |
