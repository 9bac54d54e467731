# language: ja
# 金額はすべて手計算です。令和6年度は 001_c02c95a32821d2bb.txt の L1540（都道府県の事業計画に対して事業費を交付）、
# L1542（都道府県ヘルスアップ支援事業・市町村国保ヘルスアップ事業が支援対象）、L1545（事業費部分 152億円程度）、L1551–L1563（プロセス）。
# 令和7年度は 000_176c77afafd5d7e3.txt の L541、L581–L582（事業費として配分：率・基準額の記載なし）、L586–L593（プロセス）。
# 例はカタログ B10（令和6年度）と E09b（令和7年度）。
@hokensha_doryoku_yobo_jigyohi
機能: 保険者努力支援制度（予防・健康づくり支援 事業費分）（001 L1535–L1570、000 L540–L594、カタログ B10・E09b）

  ルール: 令和6年度 — 都道府県ヘルスアップ支援事業の額と、計画を提出した市町村のヘルスアップ事業の額の合計（L1540–L1563）

    シナリオ: 都道府県 150,000千円、市町村 9,000・33,000・6,000千円 → 150,000,000+9,000,000+33,000,000+6,000,000 = 198,000,000 円（B10 例）
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                                   | 値                                                                                                                                 |
        | applicant_type（申請者の種別）                         | "todofuken"                                                                                                                        |
        | has_prefectural_plan（都道府県事業計画と交付申請）     | はい                                                                                                                               |
        | prefectural_healthup_amount_yen（都道府県事業の額）    | 150,000,000                                                                                                                        |
        | municipal_projects（市町村事業）                       | [{"plan":"submitted","amount_yen":9000000},{"plan":"submitted","amount_yen":33000000},{"plan":"submitted","amount_yen":6000000}] |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 内訳 "prefectural_healthup" は 150,000,000 円である
      かつ 内訳 "municipal_healthup" は 48,000,000 円である
      かつ 補助額は 198,000,000 円である
      かつ 読み方の前提 "sum_of_healthup_amounts" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 市町村事業計画を提出していない市町村（33,000千円）は合計に入らない → 150,000,000+9,000,000+6,000,000 = 165,000,000 円（E09b 対象外の例）
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                                                                                                                                     |
        | applicant_type                  | "todofuken"                                                                                                                            |
        | has_prefectural_plan            | はい                                                                                                                                   |
        | prefectural_healthup_amount_yen | 150,000,000                                                                                                                            |
        | municipal_projects              | [{"plan":"submitted","amount_yen":9000000},{"plan":"not_submitted","amount_yen":33000000},{"plan":"submitted","amount_yen":6000000}] |
      もし 判定を求める
      ならば 内訳 "municipal_healthup" は 15,000,000 円である
      かつ 補助額は 165,000,000 円である
      かつ 読み方の前提 "municipal_plan_required" が示される

    シナリオ: 全都道府県の申請が予算を超える → 配分の定めが資料になく未確定
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                       | 値                                          |
        | applicant_type                             | "todofuken"                                 |
        | has_prefectural_plan                       | はい                                        |
        | prefectural_healthup_amount_yen            | 150,000,000                                 |
        | municipal_projects                         | [{"plan":"submitted","amount_yen":9000000}] |
        | applications_exceed_budget（予算超過）     | はい                                        |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "oversubscription_rule_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 予算を超えないと示された場合 → 150,000,000+9,000,000 = 159,000,000 円
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                                          |
        | applicant_type                  | "todofuken"                                 |
        | has_prefectural_plan            | はい                                        |
        | prefectural_healthup_amount_yen | 150,000,000                                 |
        | municipal_projects              | [{"plan":"submitted","amount_yen":9000000}] |
        | applications_exceed_budget      | いいえ                                      |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は 159,000,000 円である

    シナリオ: 市町村が国に直接申請 → 交付申請は都道府県が行うので交付対象外、0 円
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値                                          |
        | applicant_type                  | "shichoson"                                 |
        | has_prefectural_plan            | いいえ                                      |
        | prefectural_healthup_amount_yen | 0                                           |
        | municipal_projects              | [{"plan":"submitted","amount_yen":9000000}] |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "prefecture_applies" を満たさない
      かつ 補助額は 0 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 都道府県事業計画を作成していない → 交付対象外
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                            | 値          |
        | applicant_type                  | "todofuken" |
        | has_prefectural_plan            | いいえ      |
        | prefectural_healthup_amount_yen | 150,000,000 |
        | municipal_projects              | []          |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "prefectural_plan" を満たさない

  ルール: 令和7年度 — 配分の基準（補助率・基準額）が資料にないので未確定（000 L581–L582）

    シナリオ: 都道府県が事業費 10,000,000円の計画で申請 → 10/10 と仮定しなければ額は出ないので未確定（E09b 例）
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                | 値          |
        | applicant_type                      | "todofuken" |
        | has_prefectural_plan                | はい        |
        | plan_cost_yen（事業計画の事業費）   | 10,000,000  |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "allocation_basis_not_stated" が示される
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 令和7年度、事業計画のない市町村の直接申請 → 交付対象外（E09b 対象外の例）
      前提 制度 "hokensha_doryoku_yobo_jigyohi" の令和7年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値          |
        | applicant_type       | "shichoson" |
        | has_prefectural_plan | いいえ      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "prefecture_applies" を満たさない
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
