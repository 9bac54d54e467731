# language: ja
# 金額の計算はありません：002_736bba6527a38a0e.txt L387–L417 は補助対象事業の一覧（①～④）と国保ヘルスアップ事業の要件（L417）だけで、
# 補助率・上限・予算額がないため、交付対象となる事業は「未確定」と答えます（カタログ S03、partly）。
@kokuho_kumiai_tokubetsu_chosei_kino_kyoka
機能: 国保組合 令和２年度 特別調整補助金（保険者機能強化分）（002 L387–L417）

  ルール: 補助対象事業かどうかは決まるが、金額の定めは資料にない

    シナリオ: 国保組合が医療費通知を送る → ①(2) の補助対象事業、金額は未確定（カタログ S03 例1）
      前提 制度 "kokuho_kumiai_tokubetsu_chosei_kino_kyoka" の令和2年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                       | 値              |
        | insurer_type（申請者）     | "kokuho_kumiai" |
        | project（事業）            | "1-2"           |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "category_1_iryohi_tekiseika" を満たす
      かつ 未確定の点 "amount_rule_not_stated" が示される
      かつ 補助額は示されない
      かつ 補助上限額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 事業区分①～④のどれでも補助対象事業（L389–L411）
      前提 制度 "kokuho_kumiai_tokubetsu_chosei_kino_kyoka" の令和2年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実         | 値              |
        | insurer_type | "kokuho_kumiai" |
      かつ 事実 "project" は <事業> である
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "<区分>" を満たす
      かつ 未確定の点 "amount_rule_not_stated" が示される

      例:
        | 事業  | 区分                        |
        | "1-7" | category_1_iryohi_tekiseika |
        | "2"   | category_2_tekiyo_tekiseika |
        | "3-4" | category_3_hoken_jigyo      |
        | "4-3" | category_4_sonota           |

    シナリオ: 国保ヘルスアップ事業で保健事業支援・評価委員会の助言・評価なし → 交付対象外（カタログ S03 例2、L417）
      前提 制度 "kokuho_kumiai_tokubetsu_chosei_kino_kyoka" の令和2年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                  | 値              |
        | insurer_type                          | "kokuho_kumiai" |
        | project                               | "3-1"           |
        | healthup_advice_received（助言・評価）| いいえ          |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "healthup_requirement_met" を満たさない
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 国保ヘルスアップ事業で助言・評価あり → 補助対象事業、金額は未確定
      前提 制度 "kokuho_kumiai_tokubetsu_chosei_kino_kyoka" の令和2年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値              |
        | insurer_type             | "kokuho_kumiai" |
        | project                  | "3-1"           |
        | healthup_advice_received | はい            |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "healthup_requirement_met" を満たす
      かつ 未確定の点 "amount_rule_not_stated" が示される

    シナリオ: 市町村国保が医療費通知を送る → 国保組合ではないので交付対象外（カタログ S03 例3）
      前提 制度 "kokuho_kumiai_tokubetsu_chosei_kino_kyoka" の令和2年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実         | 値                 |
        | insurer_type | "shichoson_kokuho" |
        | project      | "1-2"              |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "kokuho_kumiai" を満たさない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
