# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt の L1361（自己負担金に対する助成）、L1362–L1363（差額に対する助成）、
# L1364（周知事業）、図 L1294–L1301（避難先 健診単価・被災元 健診単価・追加負担分）、L1385（国１０／１０）から：
# 補助額 = 10/10 ×（自己負担金の免除額 + Σ max(避難先単価 − 被災元単価, 0) × 受診者数 + 周知事業の費用）。例はカタログ E22b。
@shinsai_tokutei_kenshin_menjo_shien
機能: 特定健診の自己負担金の免除等による財政支援等（東日本大震災、令和7年度 000 L1355–L1364）

  ルール: 自己負担金の免除額・単価の差額（追加負担分）・周知事業の費用の合計の10/10

    シナリオ: 20人が避難先（8,500円）で受診、被災元 7,000円、自己負担 1,000円×20 を免除 →（8,500−7,000）×20 = 30,000 + 20,000 = 50,000円（カタログ E22b 例1）
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                      | 値                                                                                        |
        | evacuation_zone_insurer（避難指示区域等の保険者等） | はい                                                                              |
        | waived_self_pay_yen（自己負担金の免除額）  | 20,000                                                                                    |
        | checkup_groups（避難先での受診）           | [{"evacuation_site_unit_price_yen": 8500, "home_unit_price_yen": 7000, "checked_count": 20}] |
        | publicity_cost_yen（周知事業の費用）       | 0                                                                                         |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "waived_self_pay" は 20,000 円である
      かつ 内訳 "price_gap" は 30,000 円である
      かつ 内訳 "publicity" は 0 円である
      かつ 補助額は 50,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "price_gap_only_when_higher" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 避難先の単価 6,500円 ≤ 被災元 7,000円 → 差額は 0 円、免除額 20,000円だけ（カタログ E22b 例2）
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                    | 値                                                                                        |
        | evacuation_zone_insurer | はい                                                                                      |
        | waived_self_pay_yen     | 20,000                                                                                    |
        | checkup_groups          | [{"evacuation_site_unit_price_yen": 6500, "home_unit_price_yen": 7000, "checked_count": 20}] |
        | publicity_cost_yen      | 0                                                                                         |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "price_gap" は 0 円である
      かつ 補助額は 20,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 単価の境目 — 被災元 7,000円、20人、免除・周知なし（差額は上回る分だけ）
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                    | 値     |
        | evacuation_zone_insurer | はい   |
        | waived_self_pay_yen     | 0      |
        | publicity_cost_yen      | 0      |
      かつ 事実 "checkup_groups" は [{"evacuation_site_unit_price_yen": <避難先単価>, "home_unit_price_yen": 7000, "checked_count": 20}] である
      もし 判定を求める
      ならば 内訳 "price_gap" は <差額> 円である
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例:
        | 避難先単価 | 差額   | 補助額 |
        | 6999       | 0      | 0      |
        | 7000       | 0      | 0      |
        | 7001       | 20     | 20     |
        | 8500       | 30,000 | 30,000 |

    シナリオ: 避難先2か所と周知事業 →（8,500−7,000）×20 +（9,000−7,000）×5 = 30,000 + 10,000 = 40,000、周知 100,000 → 140,000円
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                    | 値                                                                                                                                                                     |
        | evacuation_zone_insurer | はい                                                                                                                                                                   |
        | waived_self_pay_yen     | 0                                                                                                                                                                      |
        | checkup_groups          | [{"evacuation_site_unit_price_yen": 8500, "home_unit_price_yen": 7000, "checked_count": 20}, {"evacuation_site_unit_price_yen": 9000, "home_unit_price_yen": 7000, "checked_count": 5}] |
        | publicity_cost_yen      | 100,000                                                                                                                                                                |
      もし 判定を求める
      ならば 内訳 "price_gap" は 40,000 円である
      かつ 内訳 "publicity" は 100,000 円である
      かつ 補助額は 140,000 円である
      かつ 読み方の前提 "publicity_at_cost" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 避難先での受診なし（空の一覧）、免除額 3,000円だけ → 3,000円
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                    | 値    |
        | evacuation_zone_insurer | はい  |
        | waived_self_pay_yen     | 3,000 |
        | checkup_groups          | []    |
        | publicity_cost_yen      | 0     |
      もし 判定を求める
      ならば 内訳 "price_gap" は 0 円である
      かつ 補助額は 3,000 円である

  ルール: 避難指示区域等の保険者等だけ（L1358–L1359）

    シナリオ: 避難指示区域等の保険者等ではない → 交付対象外、補助額 0 円
      前提 制度 "shinsai_tokutei_kenshin_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                    | 値                                                                                        |
        | evacuation_zone_insurer | いいえ                                                                                    |
        | waived_self_pay_yen     | 20,000                                                                                    |
        | checkup_groups          | [{"evacuation_site_unit_price_yen": 8500, "home_unit_price_yen": 7000, "checked_count": 20}] |
        | publicity_cost_yen      | 0                                                                                         |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "evacuation_zone_insurer" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
