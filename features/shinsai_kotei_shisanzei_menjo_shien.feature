# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt の L1378–L1379（保険料減収分の1/2を財政支援）、図 L1339–L1343（1/2）、
# L1318–L1322（資産割）から：補助額 = 1/2 × 保険料減収分（円未満切り捨て）。例はカタログ E22d。
@shinsai_kotei_shisanzei_menjo_shien
機能: 固定資産税の課税免除に伴う保険者への財政支援（東日本大震災、令和7年度 000 L1375–L1379）

  ルール: 固定資産税の免除に伴う保険料減収分の1/2（L1378–L1379）

    シナリオ: 資産割の減収 3,000,000円 → 3,000,000 × 1/2 = 1,500,000円（カタログ E22d 例1）
      前提 制度 "shinsai_kotei_shisanzei_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                              | 値        |
        | levies_asset_based_premium（資産割を課している）  | はい      |
        | fixed_asset_tax_exempted_in_zone（固定資産税の免除）| はい    |
        | premium_revenue_loss_yen（保険料減収分）          | 3,000,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "premium_revenue_loss" は 3,000,000 円である
      かつ 補助額は 1,500,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "half_not_combined_with_ten_tenths" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 端数と境目 — 1/2 × 減収分、円未満切り捨て（読み方の前提）
      前提 制度 "shinsai_kotei_shisanzei_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                             | 値   |
        | levies_asset_based_premium       | はい |
        | fixed_asset_tax_exempted_in_zone | はい |
      かつ 事実 "premium_revenue_loss_yen" は <減収分> である
      もし 判定を求める
      ならば 補助額は <補助額> 円である
      かつ 読み方の前提 "rounding_floor_yen" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

      例:
        | 減収分    | 補助額    |
        | 0         | 0         |
        | 1         | 0         |
        | 2         | 1         |
        | 3,000,001 | 1,500,000 |

  ルール: 資産割を課し、固定資産税の免除で減収した保険者だけ（L1318–L1322、L1339–L1342）

    シナリオ: 資産割のない市町村 → 交付対象外、補助額 0 円（カタログ E22d 例2）
      前提 制度 "shinsai_kotei_shisanzei_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                             | 値     |
        | levies_asset_based_premium       | いいえ |
        | fixed_asset_tax_exempted_in_zone | はい   |
        | premium_revenue_loss_yen         | 0      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "levies_asset_based_premium" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 固定資産税の免除がない → 交付対象外、補助額 0 円
      前提 制度 "shinsai_kotei_shisanzei_menjo_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                             | 値        |
        | levies_asset_based_premium       | はい      |
        | fixed_asset_tax_exempted_in_zone | いいえ    |
        | premium_revenue_loss_yen         | 3,000,000 |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "fixed_asset_tax_exempted_in_zone" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
