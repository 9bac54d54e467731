# language: ja
# 金額はすべて手計算です。出典は 003_7a2b5572e47ff706.txt の L672–L673「未就学児に係る均等割保険料について保険料額の
# ５割を公費で支援。」、L675「（国 1/2、都道府県 1/4、市町村 1/4）」、L1189–L1191（全世帯の未就学児の均等割額を減額）、
# 図の軽減割合 L1153「8.5割」・L1197「7.5割」・L1196「6割」・L1155「5割」。
# 子どもの減額 = floor(floor(均等割 × (1 − 法定軽減)) × 1/2)。国 floor(× 1/2)、都道府県 floor(× 1/4)、市町村はその残り。
@kokuho_kodomo_kintowari_gengaku
機能: 子どもに係る国民健康保険料等の均等割額の減額措置（令和6年度 003 L672–L677、L1136–L1198）

  ルール: 未就学児の均等割額は、法定軽減の後に残る額の5割を減額する

    シナリオ: 7割軽減世帯の未就学児、均等割 50,000円 → 法定軽減後 50,000 × 3/10 = 15,000円、減額 15,000 × 1/2 = 7,500円（軽減計 35,000 + 7,500 = 42,500円 = 8.5割。カタログ S11 例1）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                       | 値     |
        | age_at_fiscal_year_start（4月1日の満年齢） | 3      |
        | kintowari_yen（均等割額）                  | 50,000 |
        | kintowari_reduction（法定軽減）            | "7"    |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "is_preschool_child" を満たす
      かつ 結果 "kintowari_after_statutory_yen" は 15000 である
      かつ 内訳 "child_reduction" は 7,500 円である
      かつ 内訳 "national_share" は 3,750 円である
      かつ 内訳 "prefectural_share" は 1,875 円である
      かつ 内訳 "municipal_share" は 1,875 円である
      かつ 補助額は 7,500 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "half_of_kintowari_after_statutory_reduction" が示される
      かつ 読み方の前提 "preschool_by_age_on_april_1" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 法定軽減のない世帯の未就学児、均等割 50,000円 → 50,000 × 1/2 = 25,000円（5割）、国 12,500円・都道府県 6,250円・市町村 6,250円（S11 例2）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 0      |
        | kintowari_yen            | 50,000 |
        | kintowari_reduction      | "0"    |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "child_reduction" は 25,000 円である
      かつ 内訳 "national_share" は 12,500 円である
      かつ 内訳 "prefectural_share" は 6,250 円である
      かつ 内訳 "municipal_share" は 6,250 円である
      かつ 補助額は 25,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 5割軽減世帯、均等割 50,000円 → 法定軽減後 25,000円、減額 12,500円（軽減計 25,000 + 12,500 = 37,500円 = 7.5割、L1197）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 5      |
        | kintowari_yen            | 50,000 |
        | kintowari_reduction      | "5"    |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "kintowari_after_statutory_yen" は 25000 である
      かつ 補助額は 12,500 円である
      かつ 内訳 "national_share" は 6,250 円である
      かつ 内訳 "prefectural_share" は 3,125 円である
      かつ 内訳 "municipal_share" は 3,125 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 2割軽減世帯、均等割 50,000円 → 法定軽減後 40,000円、減額 20,000円（軽減計 10,000 + 20,000 = 30,000円 = 6割、L1196）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 1      |
        | kintowari_yen            | 50,000 |
        | kintowari_reduction      | "2"    |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "kintowari_after_statutory_yen" は 40000 である
      かつ 補助額は 20,000 円である
      かつ 内訳 "national_share" は 10,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 端数 — 軽減なし、均等割 45,555円 → 45,555 × 1/2 = 22,777.5 → 22,777円、国 floor(11,388.5) = 11,388円、都道府県 floor(5,694.25) = 5,694円、市町村 22,777 − 11,388 − 5,694 = 5,695円
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 4      |
        | kintowari_yen            | 45,555 |
        | kintowari_reduction      | "0"    |
      もし 判定を求める
      ならば 補助額は 22,777 円である
      かつ 内訳 "national_share" は 11,388 円である
      かつ 内訳 "prefectural_share" は 5,694 円である
      かつ 内訳 "municipal_share" は 5,695 円である
      かつ 読み方の前提 "floor_to_yen" が示される

    シナリオ: 小学1年生（4月1日に満6歳）→ 未就学児ではないので交付対象外、0円（S11 例3）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 6      |
        | kintowari_yen            | 50,000 |
        | kintowari_reduction      | "7"    |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "is_preschool_child" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 年齢の境目の両側 — 4月1日に満5歳以下なら対象（軽減なし、均等割 50,000円 → 25,000円）
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                | 値     |
        | kintowari_yen       | 50,000 |
        | kintowari_reduction | "0"    |
      かつ 事実 "age_at_fiscal_year_start" は <年齢> である
      もし 判定を求める
      ならば <判定>と判定される
      かつ 補助額は <補助額> 円である

      例:
        | 年齢 | 判定       | 補助額 |
        | 0    | 交付対象   | 25,000 |
        | 5    | 交付対象   | 25,000 |
        | 6    | 交付対象外 | 0      |
        | 40   | 交付対象外 | 0      |

    シナリオ: 法定軽減の値が一覧にない（"3"）→ 422
      前提 制度 "kokuho_kodomo_kintowari_gengaku" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                     | 値     |
        | age_at_fiscal_year_start | 2      |
        | kintowari_yen            | 50,000 |
        | kintowari_reduction      | "3"    |
      もし 判定を求める
      ならば 応答は 422 である
      かつ 誤りのコードは "invalid_facts" である
