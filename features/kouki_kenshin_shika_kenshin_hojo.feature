# language: ja
# 金額はすべて手計算です。000_176c77afafd5d7e3.txt L625–L627（広域連合が実施する健康診査等について国庫補助、補助率１／３）から：
# 補助額 = 1/3 × 対象経費（円未満切り捨て、上限なし）。例はカタログ E10a。
@kouki_kenshin_shika_kenshin_hojo
機能: 後期高齢者医療の被保険者に係る健康診査及び歯科健診事業（令和7年度 000 L625–L630）

  ルール: 広域連合が後期高齢者医療の被保険者に行う健診の対象経費の1/3（L626–L627）

    シナリオ: 健康診査の対象経費 3,000,000,000円 → 3,000,000,000 × 1/3 = 1,000,000,000円（カタログ E10a 例1）
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                  | 値                  |
        | applicant_type（申請者の種別）        | "kouki_koiki_rengo" |
        | for_kouki_insured（後期の被保険者）   | はい                |
        | checkup_type（健診の種類）            | "kenko_shinsa"      |
        | eligible_cost_yen（対象経費）         | 3,000,000,000       |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "applicant_is_koiki_rengo" を満たす
      かつ 補助額は 1,000,000,000 円である
      かつ 補助上限額は示されない
      かつ 読み方の前提 "no_unit_price_cap" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 歯科健診の対象経費 300,000,000円 → 300,000,000 × 1/3 = 100,000,000円（カタログ E10a 例2）
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                  |
        | applicant_type    | "kouki_koiki_rengo" |
        | for_kouki_insured | はい                |
        | checkup_type      | "shika_kenshin"     |
        | eligible_cost_yen | 300,000,000         |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 100,000,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 対象経費 1,000,000円 → 1,000,000 × 1/3 = 333,333.33… → 円未満切り捨てで 333,333円（カタログ E10a 例3）
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                  |
        | applicant_type    | "kouki_koiki_rengo" |
        | for_kouki_insured | はい                |
        | checkup_type      | "kenko_shinsa"      |
        | eligible_cost_yen | 1,000,000           |
      もし 判定を求める
      ならば 補助額は 333,333 円である
      かつ 読み方の前提 "rounding_floor_yen" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 端数の境目 — 1/3 × 対象経費、円未満切り捨て
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                  |
        | applicant_type    | "kouki_koiki_rengo" |
        | for_kouki_insured | はい                |
        | checkup_type      | "shika_kenshin"     |
      かつ 事実 "eligible_cost_yen" は <対象経費> である
      もし 判定を求める
      ならば 補助額は <補助額> 円である

      例:
        | 対象経費  | 補助額  |
        | 0         | 0       |
        | 2         | 0       |
        | 3         | 1       |
        | 999,999   | 333,333 |
        | 1,000,002 | 333,334 |

    シナリオ: 国保の70歳の被保険者の健診 → 後期の被保険者でないので交付対象外、補助額 0 円（カタログ E10a 例4）
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値                  |
        | applicant_type    | "kouki_koiki_rengo" |
        | for_kouki_insured | いいえ              |
        | checkup_type      | "kenko_shinsa"      |
        | eligible_cost_yen | 3,000,000           |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "for_kouki_insured" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 申請者が市町村（広域連合の連携先）→ 実施主体でないので交付対象外
      前提 制度 "kouki_kenshin_shika_kenshin_hojo" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実              | 値             |
        | applicant_type    | "shichoson"    |
        | for_kouki_insured | はい           |
        | checkup_type      | "kenko_shinsa" |
        | eligible_cost_yen | 3,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "applicant_is_koiki_rengo" を満たさない
      かつ 補助額は 0 円である
