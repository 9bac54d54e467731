# language: ja
# 金額はすべて手計算です。出典は 000_176c77afafd5d7e3.txt の L1423（実施主体）、L1425（補助率 国（復興特会）10/10）、
# L1431–L1435（市町村分の《取組》）、L1437–L1438（《補助上限額》対象人口等を考慮して設定：金額の記載なし）。
# 上限額の金額は資料にないため、例の上限額（2,500,000円・4,000,000円）はカタログ E23 の仮の値で、「通知された上限額」として与えます。
@genpatsu_hokenryo_shuno_taisaku_shien
機能: 原発被災地の医療・介護保険料等の収納対策等支援 市町村分（000 L1394–L1438、カタログ E23）

  ルール: 上限額が資料にないため、通知された上限額が示されなければ未確定（L1437–L1438）

    シナリオ: 南相馬市、勧奨通知 800,000円＋非常勤職員 2,400,000円＝3,200,000円、上限額の指定なし → 未確定
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                         | 値                       |
        | applicant_type（申請者の種別）               | "shichoson"              |
        | in_fukushima（福島県内）                     | はい                     |
        | municipality_group（上限額の区分）           | "genmen_minaoshi_taisho" |
        | kansho_tsuchi_cost_yen（勧奨通知等）         | 800,000                  |
        | shuno_itaku_cost_yen（収納業務委託）         | 0                        |
        | hijokin_zoin_cost_yen（非常勤職員増員）      | 2,400,000                |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "cap_not_stated" が示される
      かつ 補助額は示されない
      かつ 補助上限額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 上限額が通知されていれば min(10/10 × 対象経費, 上限額)（L1425、L1431）

    シナリオ: 同じ経費 3,200,000円、上限額 2,500,000円 → 2,500,000 円（E23 例1）
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                 | 値                       |
        | applicant_type                       | "shichoson"              |
        | in_fukushima                         | はい                     |
        | municipality_group                   | "genmen_minaoshi_taisho" |
        | kansho_tsuchi_cost_yen               | 800,000                  |
        | shuno_itaku_cost_yen                 | 0                        |
        | hijokin_zoin_cost_yen                | 2,400,000                |
        | notified_cap_yen（通知された上限額） | 2,500,000                |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "kansho_tsuchi" は 800,000 円である
      かつ 内訳 "hijokin_zoin" は 2,400,000 円である
      かつ 補助上限額は 2,500,000 円である
      かつ 補助額は 2,500,000 円である
      かつ 読み方の前提 "cap_as_notified" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオアウトライン: 上限額の境目 — 経費 3,200,000円に対し上限の前後（E23 例2 ほか）
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値             |
        | applicant_type         | "shichoson"    |
        | in_fukushima           | はい           |
        | municipality_group     | "hinansha_ooi" |
        | kansho_tsuchi_cost_yen | 800,000        |
        | shuno_itaku_cost_yen   | 0              |
        | hijokin_zoin_cost_yen  | 2,400,000      |
      かつ 事実 "notified_cap_yen" は <上限額> である
      もし 判定を求める
      ならば 補助上限額は <上限額> 円である
      かつ 補助額は <補助額> 円である

      例: 10/10 × min(3,200,000, 上限額)
        | 上限額    | 補助額    |
        | 4,000,000 | 3,200,000 |
        | 3,200,001 | 3,200,000 |
        | 3,200,000 | 3,200,000 |
        | 3,199,999 | 3,199,999 |

    シナリオ: 3つの取組すべて — 100,000 + 1,500,000 + 600,000 = 2,200,000円、上限額 5,000,000円 → 2,200,000 円
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値             |
        | applicant_type         | "shichoson"    |
        | in_fukushima           | はい           |
        | municipality_group     | "hinansha_ooi" |
        | kansho_tsuchi_cost_yen | 100,000        |
        | shuno_itaku_cost_yen   | 1,500,000      |
        | hijokin_zoin_cost_yen  | 600,000        |
        | notified_cap_yen       | 5,000,000      |
      もし 判定を求める
      ならば 内訳 "shuno_itaku" は 1,500,000 円である
      かつ 補助額は 2,200,000 円である

  ルール: 福島県内の対象市町村が《取組》を実施すること（L1423、L1431–L1438）

    シナリオ: 宮城県の市町村 → 福島県内でないので交付対象外、0 円（E23 例3）
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値             |
        | applicant_type         | "shichoson"    |
        | in_fukushima           | いいえ         |
        | municipality_group     | "hinansha_ooi" |
        | kansho_tsuchi_cost_yen | 800,000        |
        | shuno_itaku_cost_yen   | 0              |
        | hijokin_zoin_cost_yen  | 2,400,000      |
        | notified_cap_yen       | 2,500,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "in_fukushima" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 常勤職員の人件費だけ（3つの取組の経費は 0 円）→ 交付対象外（E23 例3）
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                       |
        | applicant_type         | "shichoson"              |
        | in_fukushima           | はい                     |
        | municipality_group     | "genmen_minaoshi_taisho" |
        | kansho_tsuchi_cost_yen | 0                        |
        | shuno_itaku_cost_yen   | 0                        |
        | hijokin_zoin_cost_yen  | 0                        |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "implements_listed_activity" を満たさない
      かつ 補助額は 0 円である
      かつ 読み方の前提 "listed_activities_only" が示される

    シナリオ: 対象経費 1 円から対象（境目）、上限額 2,500,000円 → 1 円
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                       |
        | applicant_type         | "shichoson"              |
        | in_fukushima           | はい                     |
        | municipality_group     | "genmen_minaoshi_taisho" |
        | kansho_tsuchi_cost_yen | 1                        |
        | shuno_itaku_cost_yen   | 0                        |
        | hijokin_zoin_cost_yen  | 0                        |
        | notified_cap_yen       | 2,500,000                |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "implements_listed_activity" を満たす
      かつ 補助額は 1 円である

    シナリオ: どちらの区分でもない福島県内市町村 → 上限額の定めがなく交付対象外（読み方の前提）
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値        |
        | applicant_type         | "shichoson" |
        | in_fukushima           | はい      |
        | municipality_group     | "neither" |
        | kansho_tsuchi_cost_yen | 800,000   |
        | shuno_itaku_cost_yen   | 0         |
        | hijokin_zoin_cost_yen  | 0         |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "in_capped_group" を満たさない
      かつ 読み方の前提 "group_required" が示される

    シナリオ: 民間事業者の申請 → 実施主体でないので交付対象外
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値             |
        | applicant_type         | "other"        |
        | in_fukushima           | はい           |
        | municipality_group     | "hinansha_ooi" |
        | kansho_tsuchi_cost_yen | 800,000        |
        | shuno_itaku_cost_yen   | 0              |
        | hijokin_zoin_cost_yen  | 0              |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "municipal_applicant" を満たさない

    シナリオ: 後期高齢者医療広域連合（上限額の通知あり）→「県内市町村等」に入るかが資料になく未確定
      前提 制度 "genpatsu_hokenryo_shuno_taisaku_shien" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                   | 値                       |
        | applicant_type         | "koiki_rengo"            |
        | in_fukushima           | はい                     |
        | municipality_group     | "genmen_minaoshi_taisho" |
        | kansho_tsuchi_cost_yen | 800,000                  |
        | shuno_itaku_cost_yen   | 0                        |
        | hijokin_zoin_cost_yen  | 0                        |
        | notified_cap_yen       | 2,500,000                |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "koiki_rengo_in_scope" が示される
      かつ 補助上限額は 2,500,000 円である
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
