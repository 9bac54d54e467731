# language: ja
# 金額はすべて手計算です。令和6年度は 001_c02c95a32821d2bb.txt L2666–L2681（対象者 L2677–L2679、段階的な見直し L2680–L2681）、
# 令和7年度は 000_176c77afafd5d7e3.txt L1366–L1371（保険料を免除した保険者等への補助）から。率はどちらも 000 L1385 の
# 国１０／１０（令和6年度はその読み方の前提）：補助額 = 10/10 × 免除した保険料。例はカタログ B20（令和6年度）と E22c（令和7年度）。
@shinsai_hokenryo_menjo_shien
機能: 保険料の免除による財政支援（東日本大震災、令和6年度 001 L2666–L2681、令和7年度 000 L1366–L1371）

  ルール: 令和7年度 — 避難指示区域等の住民の保険料を免除した保険者等に、免除額の国10/10（000 L1368–L1369、L1385）

    シナリオ: 区域内の国保世帯、年間保険料 180,000円を全額免除 → 180,000 × 10/10 = 180,000円（カタログ E22c 例1）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                               | 値      |
        | resident_of_evacuation_zone（避難指示区域等の住民） | はい    |
        | premium_waived（保険料の免除）                     | はい    |
        | waived_premium_yen（免除した保険料）               | 180,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "waived_premium" は 180,000 円である
      かつ 補助額は 180,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "page_level_rate_ten_tenths" が示される
      かつ 読み方の前提 "zone_as_stated_in_fy2025_sheet" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 免除額の境目 — 10/10 なので免除額そのまま（0円・1円）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値   |
        | resident_of_evacuation_zone | はい |
        | premium_waived              | はい |
      かつ 事実 "waived_premium_yen" は <免除額> である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は <補助額> 円である

      例:
        | 免除額 | 補助額 |
        | 0      | 0      |
        | 1      | 1      |

    シナリオ: 区域外の世帯 → 交付対象外、補助額 0 円（カタログ E22c 例2）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | いいえ  |
        | premium_waived              | はい    |
        | waived_premium_yen          | 180,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "resident_of_evacuation_zone" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 保険料を免除していない → 交付対象外
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                        | 値      |
        | resident_of_evacuation_zone | はい    |
        | premium_waived              | いいえ  |
        | waived_premium_yen          | 180,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "premium_waived" を満たさない
      かつ 補助額は 0 円である

  ルール: 令和6年度 — 帰還困難区域（所得を問わない）と、上位所得層を除く旧避難指示区域等（001 L2677–L2679）

    シナリオ: 帰還困難区域の住民、上位所得層でも対象 → 180,000 × 10/10 = 180,000円（カタログ B20 例1）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                                | 値                   |
        | residence_area（住所の区域）                        | "kikan_konnan_kuiki" |
        | upper_income_bracket（上位所得層）                  | はい                 |
        | designation_lifted_by_2017_04（H29.4以前に解除）    | いいえ               |
        | premium_waived（保険料の免除）                      | はい                 |
        | waived_premium_yen（免除した保険料）                | 180,000              |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "difficult_to_return_zone_resident" を満たす
      かつ 補助額は 180,000 円である
      かつ 読み方の前提 "fy2024_rate_from_fy2025_sheet" が示される
      かつ 読み方の前提 "upper_income_excluded_only_in_former_zones" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 旧避難指示解除準備区域の住民で上位所得層でない → 120,000 × 10/10 = 120,000円
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                      |
        | residence_area                | "kyu_hinan_shiji_kuiki" |
        | upper_income_bracket          | いいえ                  |
        | designation_lifted_by_2017_04 | いいえ                  |
        | premium_waived                | はい                    |
        | waived_premium_yen            | 120,000                 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "former_zone_resident" を満たす
      かつ 要件 "not_upper_income" を満たす
      かつ 補助額は 120,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 旧避難指示解除準備区域の住民で上位所得層 → 交付対象外、補助額 0 円（カタログ B20 例2）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                      |
        | residence_area                | "kyu_hinan_shiji_kuiki" |
        | upper_income_bracket          | はい                    |
        | designation_lifted_by_2017_04 | いいえ                  |
        | premium_waived                | はい                    |
        | waived_premium_yen            | 120,000                 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "not_upper_income" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 区域外の住民 → 交付対象外、補助額 0 円
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値       |
        | residence_area                | "other"  |
        | upper_income_bracket          | いいえ   |
        | designation_lifted_by_2017_04 | いいえ   |
        | premium_waived                | はい     |
        | waived_premium_yen            | 120,000  |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "difficult_to_return_zone_resident" を満たさない
      かつ 要件 "former_zone_resident" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 平成28年に指定が解除された地域 → 段階的な見直しの内容が資料になく未確定（カタログ B20 例3）
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                      |
        | residence_area                | "kyu_hinan_shiji_kuiki" |
        | upper_income_bracket          | いいえ                  |
        | designation_lifted_by_2017_04 | はい                    |
        | premium_waived                | はい                    |
        | waived_premium_yen            | 120,000                 |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "staged_review_schedule_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 平成28年に解除された地域でも上位所得層なら、見直しを待たず交付対象外
      前提 制度 "shinsai_hokenryo_menjo_shien" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                          | 値                      |
        | residence_area                | "kyu_hinan_shiji_kuiki" |
        | upper_income_bracket          | はい                    |
        | designation_lifted_by_2017_04 | はい                    |
        | premium_waived                | はい                    |
        | waived_premium_yen            | 120,000                 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である
