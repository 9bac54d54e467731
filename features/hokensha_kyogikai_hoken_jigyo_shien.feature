# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt L1131–L1154 の補助率（A1 開催等 １／２ L1133、A2 データヘルスの推進等 ２／３ L1137、
# A3 普及啓発 １／２ L1141、A4 円滑な実施 １／２ L1144、A5 研修等 １／２ L1147、A6 同時実施 １／２ L1150、A7 かかりつけ医等 １／２ L1153）から、
# 事業ごとに 対象経費 × 補助率 を端数のまま合計し、合計の円未満を一度だけ切り捨てる（読み方の前提 rounding_floor_yen）。
@hokensha_kyogikai_hoken_jigyo_shien
機能: 保険者協議会における保健事業の効果的な実施支援事業（000 L1112–L1179、カタログ E20）

  ルール: 事業ごとに補助率を乗じて合計する — データヘルスの推進等は 2/3、その他の6事業は 1/2（令和7年度）

    シナリオ: A1 4,000,000円×1/2 + A2 3,000,000円×2/3 + A6 1,000,000円×1/2 = 2,000,000 + 2,000,000 + 500,000 = 4,500,000円（E20 例1）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                  | 値                                                                                                           |
        | activities（事業と対象経費）          | [{"activity":"A1","cost_yen":4000000},{"activity":"A2","cost_yen":3000000},{"activity":"A6","cost_yen":1000000}] |
        | applicant_is_hokensha_kyogikai        | はい                                                                                                         |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "applicant_is_hokensha_kyogikai" を満たす
      かつ 要件 "implements_listed_activity" を満たす
      かつ 内訳 "per_activity_subsidy" は 4,500,000 円である
      かつ 補助額は 4,500,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "draft_rate_table" が示される
      かつ 読み方の前提 "applicant_classifies_costs" が示される
      かつ 読み方の前提 "no_ceiling" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: A2 1,000,000円×2/3 = 666,666.67 → 切り捨てて 666,666円（E20 例2）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実       | 値                                      |
        | activities | [{"activity":"A2","cost_yen":1000000}]  |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 666,666 円である
      かつ 読み方の前提 "rounding_floor_yen" が示される
      かつ 読み方の前提 "applicant_is_kyogikai_by_default" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 7事業それぞれの補助率 — 対象経費 1,200,000円
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":<事業>,"cost_yen":1200000}] である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は <補助額> 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例:
        | 事業 | 補助額  | 手計算              |
        | "A1" | 600,000 | 1,200,000×1/2（L1133） |
        | "A2" | 800,000 | 1,200,000×2/3（L1137） |
        | "A3" | 600,000 | 1,200,000×1/2（L1141） |
        | "A4" | 600,000 | 1,200,000×1/2（L1144） |
        | "A5" | 600,000 | 1,200,000×1/2（L1147） |
        | "A6" | 600,000 | 1,200,000×1/2（L1150） |
        | "A7" | 600,000 | 1,200,000×1/2（L1153） |

    シナリオ: 7事業すべてに各 600,000円 → 6×300,000 + 400,000 = 2,200,000円
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":"A1","cost_yen":600000},{"activity":"A2","cost_yen":600000},{"activity":"A3","cost_yen":600000},{"activity":"A4","cost_yen":600000},{"activity":"A5","cost_yen":600000},{"activity":"A6","cost_yen":600000},{"activity":"A7","cost_yen":600000}] である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 2,200,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 同じ事業の経費が2行 — A2 300,000円 + A2 600,000円 → (300,000+600,000)×2/3 = 600,000円
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":"A2","cost_yen":300000},{"activity":"A2","cost_yen":600000}] である
      もし 判定を求める
      ならば 補助額は 600,000 円である

    シナリオ: 7事業以外の経費（事務所賃料 500,000円）は補助しない — A1 2,000,000×1/2 + other 0 = 1,000,000円（E20 例3 の読み方）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":"A1","cost_yen":2000000},{"activity":"other","cost_yen":500000}] である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 1,000,000 円である
      かつ 読み方の前提 "applicant_classifies_costs" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 端数の境目 — 事業ごとに切り捨てず、合計を一度だけ切り捨てる
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は <事業と経費> である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は <補助額> 円である

      例:
        | 事業と経費                                                              | 補助額 | 手計算                          |
        | [{"activity":"A2","cost_yen":0}]                                        | 0      | 0×2/3                           |
        | [{"activity":"A2","cost_yen":1}]                                        | 0      | 1×2/3 = 0.67                    |
        | [{"activity":"A2","cost_yen":2}]                                        | 1      | 2×2/3 = 1.33                    |
        | [{"activity":"A2","cost_yen":3}]                                        | 2      | 3×2/3 = 2                       |
        | [{"activity":"A1","cost_yen":1}]                                        | 0      | 1×1/2 = 0.5                     |
        | [{"activity":"A1","cost_yen":1},{"activity":"A3","cost_yen":1}]         | 1      | 0.5 + 0.5 = 1（別々なら 0 + 0） |
        | [{"activity":"A2","cost_yen":1},{"activity":"A2","cost_yen":1}]         | 1      | 2/3 + 2/3 = 1.33                |
        | [{"activity":"A2","cost_yen":2},{"activity":"A1","cost_yen":1}]         | 1      | 4/3 + 1/2 = 11/6 = 1.83         |
        | [{"activity":"A2","cost_yen":1},{"activity":"A7","cost_yen":1}]         | 1      | 2/3 + 1/2 = 7/6 = 1.17          |

  ルール: 実施主体は保険者協議会、7事業のいずれかが必要（L1162、L1131）

    シナリオ: 1つの健保組合が単独で自らの健診事業を申請 → 実施主体でなく交付対象外、0円（E20 例3）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                           | 値                                     |
        | activities                     | [{"activity":"A3","cost_yen":1000000}] |
        | applicant_is_hokensha_kyogikai | いいえ                                 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "applicant_is_hokensha_kyogikai" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 7事業以外の経費（一般的な事務所賃料）だけ → 交付対象外、0円（E20 例3）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":"other","cost_yen":500000}] である
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "implements_listed_activity" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 事業がひとつもない → 交付対象外
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [] である
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "implements_listed_activity" を満たさない
      かつ 補助額は 0 円である

    シナリオ: 表にない事業の区分 "A8" → 422
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和7年度に申請する
      かつ 事実 "activities" は [{"activity":"A8","cost_yen":500000}] である
      もし 判定を求める
      ならば 応答は 422 である
      かつ 誤りの箇所は次のとおり:
        | 箇所                           | 種類        |
        | $.facts.activities[0].activity | not_allowed |

    シナリオ: 令和6年度 → 規則がなく 422（この資料は令和7年度概算要求）
      前提 制度 "hokensha_kyogikai_hoken_jigyo_shien" の令和6年度に申請する
      かつ 事実 "activities" は [{"activity":"A1","cost_yen":500000}] である
      もし 判定を求める
      ならば 応答は 422 である
      かつ 誤りのコードは "no_rule_version" である
