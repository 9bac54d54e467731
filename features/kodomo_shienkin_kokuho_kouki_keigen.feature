# language: ja
@kodomo_shienkin_kokuho_kouki_keigen
機能: こども・子育て支援金の軽減措置（国保・後期、こどもの均等割10割軽減、2026年度から）
  # 金額はすべて手計算。出典は 001_c02c95a32821d2bb.txt:
  #   L3160–L3164 応益分の軽減「所得階層別の軽減率（７割、５割、２割）」、L3168–L3170 国保のこどもの「均等割額の10割軽減」、
  #   L3181–L3183 注２（未就学児の５割分は公費、残り5割と6歳以上の10割分はこども以外の国保被保険者の支援金）、L3180 注１（被用者保険）。
  # 支援金の均等割額は資料にない（L3158「保険者が設定」）ので、カタログ B18 の仮の額 3,000円（年額）を事実として与える。
  # 軽減額 = 均等割 × 軽減率（こどもは 10/10）、円未満切り捨て（端数の定めなし）。

  ルール: 国保のこどもは均等割を10割軽減（未就学児は5割が公費）

    シナリオ: 国保の10歳のこども、均等割 3,000円 → 軽減額 3,000円、全額をこども以外の被保険者が支える（B18 例1）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値           |
        | insurance_system     | "kokuho"     |
        | child_status         | "school_age" |
        | low_income_reduction | "0"          |
        | kintowari_yen        | 3,000        |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "child_full_reduction" は 3,000 円である
      かつ 補助額は 3,000 円である
      かつ 結果 "public_funding_yen" は 0 である
      かつ 結果 "borne_by_other_insured_yen" は 3000 である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 国保の4歳のこども、均等割 3,000円 → 軽減額 3,000円 = 公費 3,000×5/10 = 1,500 + 他の被保険者 1,500（B18 例1）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値          |
        | insurance_system     | "kokuho"    |
        | child_status         | "preschool" |
        | low_income_reduction | "0"         |
        | kintowari_yen        | 3,000       |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 3,000 円である
      かつ 結果 "public_funding_yen" は 1500 である
      かつ 結果 "borne_by_other_insured_yen" は 1500 である
      かつ 読み方の前提 "school_age_means_not_preschool" が示される
      かつ 読み方の前提 "no_rounding_stated" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 国保の10歳のこどもで7割軽減の世帯 → 10割軽減が優先し軽減額 3,000円（B18 例2）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値           |
        | insurance_system     | "kokuho"     |
        | child_status         | "school_age" |
        | low_income_reduction | "7"          |
        | kintowari_yen        | 3,000        |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "low_income_reduction" は適用されない
      かつ 補助額は 3,000 円である
      かつ 読み方の前提 "child_reduction_supersedes_low_income" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 国保・後期の低所得者は応益分（均等割）を7割・5割・2割軽減

    シナリオアウトライン: <制度> の成人、<割>割軽減、均等割 <均等割>円 → <計算>
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 事実 "child_status" は "none" である
      かつ 事実 "insurance_system" は "<制度>" である
      かつ 事実 "low_income_reduction" は "<割>" である
      かつ 事実 "kintowari_yen" は <均等割> である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は <軽減額> 円である

      例:
        | 制度   | 割 | 均等割 | 計算                                       | 軽減額 |
        | kokuho | 7  | 3,000  | 3,000×7/10 = 2,100（支払は 900円、B18 例2）  | 2,100  |
        | kokuho | 5  | 3,000  | 3,000×5/10 = 1,500                         | 1,500  |
        | kokuho | 2  | 3,000  | 3,000×2/10 = 600                           | 600    |
        | kokuho | 7  | 3,001  | 3,001×7/10 = 2,100.7 → 切り捨て 2,100      | 2,100  |
        | kokuho | 2  | 3,004  | 3,004×2/10 = 600.8 → 切り捨て 600          | 600    |
        | kouki  | 7  | 3,000  | 後期も 3,000×7/10 = 2,100（B18 例4）       | 2,100  |
        | kouki  | 5  | 3,000  | 後期 3,000×5/10 = 1,500                    | 1,500  |

    シナリオ: 後期の被保険者には、こどもの10割軽減はない → 軽減区分なしなら交付対象外（B18 例4）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値      |
        | insurance_system     | "kouki" |
        | child_status         | "none"  |
        | low_income_reduction | "0"     |
        | kintowari_yen        | 3,000   |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 軽減に当たらなければ交付対象外（確定）

    シナリオ: 国保の19歳（こどもでない）、軽減区分なし → 軽減なし（交付対象外、B18 例3）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値       |
        | insurance_system     | "kokuho" |
        | child_status         | "none"   |
        | low_income_reduction | "0"      |
        | kintowari_yen        | 3,000    |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "kokuho_child" を満たさない
      かつ 要件 "low_income_class" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 被用者保険の被保険者 → この軽減措置の対象外（注１ 国が一律に示す）
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値           |
        | insurance_system     | "hiyosha"    |
        | child_status         | "school_age" |
        | low_income_reduction | "7"          |
        | kintowari_yen        | 3,000        |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "kokuho_or_kouki" を満たさない
      かつ 補助額は 0 円である

  ルール: 資料にない点にかかる申請は未確定（金額を推測しない）

    シナリオ: 均等割額の指定がない国保のこども → 均等割額が資料になく未確定
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値           |
        | insurance_system     | "kokuho"     |
        | child_status         | "school_age" |
        | low_income_reduction | "0"          |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "kintowari_amount_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 国保の未就学児で7割軽減の世帯 → 公費5割を軽減の前後どちらで計算するか資料になく未確定
      前提 制度 "kodomo_shienkin_kokuho_kouki_keigen" の令和8年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値          |
        | insurance_system     | "kokuho"    |
        | child_status         | "preschool" |
        | low_income_reduction | "7"         |
        | kintowari_yen        | 3,000       |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "preschool_funding_order_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
