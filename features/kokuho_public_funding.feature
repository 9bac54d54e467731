# language: ja
# 金額は手計算です（003_7a2b5572e47ff706.txt L613 注1「保険給付費等の9％、32％、9％の割合を基本とする」、L693「（32％）」、L697「（9％）」）。
# 保険給付費等 100,000,000,000円（1,000億円）→ 定率国庫負担 32/100 ＝ 32,000,000,000円、都道府県繰入金 9/100 ＝ 9,000,000,000円
# （カタログ S04 例1、S06 例）。振替額（L614–L615）・算定基礎・調整交付金の配分方法が資料にないので、実際の額は未確定。
@kokuho_public_funding
機能: 国保の公費負担 — 定率国庫負担・調整交付金・都道府県繰入金（令和6年度予算ベース、003 L601–L698）

  ルール: 基本の割合による額は示すが、振替・算定基礎・配分方法が資料にないので未確定

    シナリオ: 都道府県の国保特別会計、保険給付費等 1,000億円 → 32% ＝ 320億円、9% ＝ 90億円（基本の額）、判定は未確定
      前提 制度 "kokuho_public_funding" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                   | 値                 |
        | insurer_type（会計の種別）             | "todofuken_kokuho" |
        | hoken_kyufuhi_to_yen（保険給付費等）   | 100,000,000,000    |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "prefectural_nhi_account" を満たす
      かつ 結果 "teiritsu_kokko_futan_basic_yen" は 32000000000 である
      かつ 結果 "todofuken_kurirekin_basic_yen" は 9000000000 である
      かつ 未確定の点 "statutory_transfer_not_stated" が示される
      かつ 未確定の点 "base_scope_not_stated" が示される
      かつ 未確定の点 "adjustment_grant_distribution_not_stated" が示される
      かつ 補助額は示されない
      かつ 読み方の前提 "ratios_in_chart_order" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 端数 — 保険給付費等 999円 → 32/100 × 999 = 319.68 → 319円、9/100 × 999 = 89.91 → 89円（切り捨て）
      前提 制度 "kokuho_public_funding" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値                 |
        | insurer_type         | "todofuken_kokuho" |
        | hoken_kyufuhi_to_yen | 999                |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 結果 "teiritsu_kokko_futan_basic_yen" は 319 である
      かつ 結果 "todofuken_kurirekin_basic_yen" は 89 である
      かつ 読み方の前提 "basic_amounts_floor" が示される

    シナリオ: 保険給付費等を示さない → 基本の額も示されない、判定は未確定
      前提 制度 "kokuho_public_funding" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実         | 値                 |
        | insurer_type | "todofuken_kokuho" |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 結果 "teiritsu_kokko_futan_basic_yen" は示されない
      かつ 補助額は示されない

    シナリオ: 健康保険組合 → 国保の公費負担の対象ではない（カタログ S04 例4）
      前提 制度 "kokuho_public_funding" の令和6年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                 | 値                   |
        | insurer_type         | "kenko_hoken_kumiai" |
        | hoken_kyufuhi_to_yen | 100,000,000,000      |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "prefectural_nhi_account" を満たさない
      かつ 結果 "teiritsu_kokko_futan_basic_yen" は 0 である
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
