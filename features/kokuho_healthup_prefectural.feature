# language: ja
# 金額は手計算です。基準額表は 令和3年度 002_736bba6527a38a0e.txt L177–L179、令和6年度 001_c02c95a32821d2bb.txt L1738–L1740
# （どちらも 25万人未満 150,000千円、25～50万人未満 175,000千円、それ以上の3つの帯は 200,000千円）。
@kokuho_healthup_prefectural
機能: 都道府県国保ヘルスアップ支援事業（令和3年度 002 L146–L201、令和6年度 001 L1706–L1762）

  ルール: 令和6年度 — 交付要件3つと事業区分Ａ～Ｆ、基準額は被保険者数の帯ごと（001 L1708–L1740）

    シナリオ: 25万人ちょうど、要件すべて、区分Ａ → 補助上限額 175,000千円（programs.yaml 例）
      前提 制度 "kokuho_healthup_prefectural" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                                       | 値      |
        | insured_count（被保険者数）                                | 250,000 |
        | third_party_evaluation_from_planning（策定段階からの第三者）| はい    |
        | coordinated_with_municipalities（市町村事業との連携）      | はい    |
        | evaluation_indicators_set（評価指標・評価方法）            | はい    |
        | categories（事業区分）                                     | ["A"]   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助上限額は 175,000,000 円である
      かつ 補助額は 175,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 経費と基準額の小さい方（カタログ B12 例1–3）
      前提 制度 "kokuho_healthup_prefectural" の令和6年度に申請する
      かつ 事実 "third_party_evaluation_from_planning" は はい である
      かつ 事実 "coordinated_with_municipalities" は はい である
      かつ 事実 "evaluation_indicators_set" は はい である
      かつ 事実 "categories" は ["A","C","F"] である
      かつ 事実 "insured_count" は <被保険者数> である
      かつ 事実 "eligible_cost_yen" は <対象経費> である
      もし 判定を求める
      ならば 補助上限額は <基準額> 円である
      かつ 補助額は <補助額> 円である

      例:
        | 被保険者数 | 対象経費    | 基準額      | 補助額      |
        | 250,000    | 180,000,000 | 175,000,000 | 175,000,000 |
        | 249,999    | 120,000,000 | 150,000,000 | 120,000,000 |
        | 1,000,000  | 260,000,000 | 200,000,000 | 200,000,000 |

    シナリオ: 保健事業支援・評価委員会に年度末の評価だけを依頼 → 要件1を満たさず 0 円（カタログ B12 例4）
      前提 制度 "kokuho_healthup_prefectural" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値          |
        | insured_count                        | 300,000     |
        | third_party_evaluation_from_planning | いいえ      |
        | coordinated_with_municipalities      | はい        |
        | evaluation_indicators_set            | はい        |
        | categories                           | ["B"]       |
        | eligible_cost_yen                    | 100,000,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "third_party_from_planning_stage" を満たさない
      かつ 補助額は 0 円である

    シナリオ: 事業区分を実施しない → 交付対象外
      前提 制度 "kokuho_healthup_prefectural" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値      |
        | insured_count                        | 300,000 |
        | third_party_evaluation_from_planning | はい    |
        | coordinated_with_municipalities      | はい    |
        | evaluation_indicators_set            | はい    |
        | categories                           | []      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "implements_category" を満たさない

  ルール: 令和3年度 — 同じ要件・同じ基準額表（002 L148–L179）

    シナリオアウトライン: 経費と基準額の小さい方（カタログ S01 例1–3）
      前提 制度 "kokuho_healthup_prefectural" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値    |
        | third_party_evaluation_from_planning | はい  |
        | coordinated_with_municipalities      | はい  |
        | evaluation_indicators_set            | はい  |
        | categories                           | ["D"] |
      かつ 事実 "insured_count" は <被保険者数> である
      かつ 事実 "eligible_cost_yen" は <対象経費> である
      もし 判定を求める
      ならば 補助上限額は <基準額> 円である
      かつ 補助額は <補助額> 円である

      例:
        | 被保険者数 | 対象経費    | 基準額      | 補助額      |
        | 250,000    | 160,000,000 | 175,000,000 | 160,000,000 |
        | 249,999    | 160,000,000 | 150,000,000 | 150,000,000 |
        | 1,000,000  | 260,000,000 | 200,000,000 | 200,000,000 |

    シナリオ: 策定段階からの第三者の支援・評価がない → 交付対象外、0 円（カタログ S01 例4）
      前提 制度 "kokuho_healthup_prefectural" の令和3年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値          |
        | insured_count                        | 300,000     |
        | third_party_evaluation_from_planning | いいえ      |
        | coordinated_with_municipalities      | はい        |
        | evaluation_indicators_set            | はい        |
        | categories                           | ["E"]       |
        | eligible_cost_yen                    | 100,000,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である

  ルール: 帯の境目は両年度とも同じ（25万人未満 / 25～50万人未満 / 50～75万人未満 / 75～100万人未満 / 100万人以上）

    シナリオアウトライン: 帯の境目の基準額
      前提 制度 "kokuho_healthup_prefectural" の<年度>に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値    |
        | third_party_evaluation_from_planning | はい  |
        | coordinated_with_municipalities      | はい  |
        | evaluation_indicators_set            | はい  |
        | categories                           | ["A"] |
      かつ 事実 "insured_count" は <被保険者数> である
      もし 判定を求める
      ならば 補助上限額は <基準額> 円である

      例:
        | 年度      | 被保険者数 | 基準額      |
        | 令和6年度 | 0          | 150,000,000 |
        | 令和6年度 | 249,999    | 150,000,000 |
        | 令和6年度 | 250,000    | 175,000,000 |
        | 令和6年度 | 499,999    | 175,000,000 |
        | 令和6年度 | 500,000    | 200,000,000 |
        | 令和6年度 | 749,999    | 200,000,000 |
        | 令和6年度 | 750,000    | 200,000,000 |
        | 令和6年度 | 999,999    | 200,000,000 |
        | 令和6年度 | 1,000,000  | 200,000,000 |
        | 令和3年度 | 249,999    | 150,000,000 |
        | 令和3年度 | 250,000    | 175,000,000 |
        | 令和3年度 | 499,999    | 175,000,000 |
        | 令和3年度 | 500,000    | 200,000,000 |
        | 令和3年度 | 1,000,000  | 200,000,000 |
