# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt の図（L1283–L1285 年齢ごとの窓口負担の割合、L1292 免除分の財政措置）
# と負担割合（L1385 国１０／１０）から：補助額 = 10/10 × 医療費 × 負担割合（円未満切り捨て）。例はカタログ E22a。
@shinsai_ichibu_futankin_menjo_shien
機能: 一部負担金の免除等による財政支援（東日本大震災、令和7年度 000 L1262–L1393）

  ルール: 免除した一部負担金（医療費 × 年齢による負担割合）の国10/10（L1283–L1285、L1385）

    シナリオ: 45歳、医療費 100,000円 → 100,000 × 3/10 = 30,000円（カタログ E22a 例1）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                         | 値      |
        | resident_of_evacuation_zone（避難指示区域等の住民） | はい    |
        | copayment_waived（一部負担金の免除）         | はい    |
        | insured_age（年齢）                          | 45      |
        | medical_cost_yen（医療費）                   | 100,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "copayment_rate" は "3/10" である
      かつ 内訳 "waived_copayment" は 30,000 円である
      かつ 補助額は 30,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "copayment_rate_in_principle" が示される
      かつ 読み方の前提 "funding_split_not_amount" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 70歳ちょうど、医療費 100,000円 →「70～74歳」の2割で 100,000 × 2/10 = 20,000円（カタログ E22a 例2）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | はい    |
        | copayment_waived            | はい    |
        | insured_age                 | 70      |
        | medical_cost_yen            | 100,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 区分の判定 "age_70_to_74" が適用される
      かつ 補助額は 20,000 円である
      かつ 読み方の前提 "age_band_70_to_74_inclusive" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 80歳（後期）、医療費 50,000円 → 50,000 × 1/10 = 5,000円（カタログ E22a 例3）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値     |
        | resident_of_evacuation_zone | はい   |
        | copayment_waived            | はい   |
        | insured_age                 | 80     |
        | medical_cost_yen            | 50,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "copayment_rate" は "1/10" である
      かつ 補助額は 5,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 年齢の境目 — 69歳3割・70歳2割・74歳2割・75歳1割、医療費 100,000円（L1283–L1285）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | はい    |
        | copayment_waived            | はい    |
        | medical_cost_yen            | 100,000 |
      かつ 事実 "insured_age" は <年齢> である
      もし 判定を求める
      ならば 結果 "copayment_rate" は "<割合>" である
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例:
        | 年齢 | 割合 | 補助額 |
        | 0    | 3/10 | 30,000 |
        | 69   | 3/10 | 30,000 |
        | 70   | 2/10 | 20,000 |
        | 74   | 2/10 | 20,000 |
        | 75   | 1/10 | 10,000 |
        | 150  | 1/10 | 10,000 |

    シナリオ: 端数 — 45歳、医療費 12,345円 → 12,345 × 3/10 = 3,703.5 → 円未満切り捨てで 3,703円（読み方の前提）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値     |
        | resident_of_evacuation_zone | はい   |
        | copayment_waived            | はい   |
        | insured_age                 | 45     |
        | medical_cost_yen            | 12,345 |
      もし 判定を求める
      ならば 補助額は 3,703 円である
      かつ 読み方の前提 "rounding_floor_yen" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 避難指示区域等の住民の一部負担金を免除した保険者等だけ（L1352–L1353）

    シナリオ: 避難指示区域等の外の住民 → 交付対象外、補助額 0 円（カタログ E22a 例4）
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | いいえ  |
        | copayment_waived            | はい    |
        | insured_age                 | 45      |
        | medical_cost_yen            | 100,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "resident_of_evacuation_zone" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 一部負担金を免除していない → 交付対象外、補助額 0 円
      前提 制度 "shinsai_ichibu_futankin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | はい    |
        | copayment_waived            | いいえ  |
        | insured_age                 | 45      |
        | medical_cost_yen            | 100,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "copayment_waived" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
