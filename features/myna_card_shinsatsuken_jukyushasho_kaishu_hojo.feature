# language: ja
@myna_card_shinsatsuken_jukyushasho_kaishu_hojo
機能: 医療機関・薬局でのマイナンバーカードの利活用推進事業（令和5年度補正、デジタル庁）
  # 金額はすべて手計算。出典は 001_c02c95a32821d2bb.txt L1129–L1159:
  #   病院 再来受付機込 L1139–L1142「60.0万円を上限に補助 ※１」「（事業費120万円を上限にその１/２を補助）」
  #   病院 上記以外 L1147–L1150「28.3万円を上限に補助 ※２」「（事業費56.6万円を上限にその１/２を補助）」
  #   大型チェーン薬局 L1130・L1142–L1143「3.6万円を上限に補助 ※２」「（事業費7.3万円を上限にその１/２を補助）」
  #   診療所・薬局 L1134・L1145–L1147「5.4万円を上限に補助 ※２」「（事業費7.3万円を上限にその３/４を補助）」
  #   補助額 = min(補助率 × min(事業費, 事業費上限), 補助上限額)、円未満切り捨て（端数の定めなし）。
  #   ※1（利用件数が一定以上 L1152）・※2（利用率が一定以上増加 L1153・L1155）の基準は資料にない → 未確定。

  ルール: 受給者証の一体化を行う診療所・薬局・病院は、事業費上限と補助率と補助上限額で決まる

    シナリオ: 診療所、受給者証の改修 80,000円 → min(80,000, 73,000)×3/4 = 54,750 → 上限 54,000円（B07 例1）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値     |
        | institution_type                   | "clinic" |
        | integrates_patient_card            | いいえ |
        | integrates_beneficiary_certificate | はい   |
        | project_cost_yen                   | 80,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "subsidy_case" は "clinic_or_pharmacy" である
      かつ 補助上限額は 54,000 円である
      かつ 補助額は 54,000 円である
      かつ 読み方の前提 "printed_cap_binds" が示される
      かつ 読み方の前提 "no_rounding_stated" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 大型チェーン薬局（グループ月40,000回）、73,000円 → 73,000×1/2 = 36,500 → 上限 36,000円（B07 例2）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                        | 値       |
        | institution_type                            | "pharmacy" |
        | pharmacy_group_prescriptions_monthly_count  | 40,000   |
        | integrates_patient_card                     | いいえ   |
        | integrates_beneficiary_certificate          | はい     |
        | project_cost_yen                            | 73,000   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "large_chain_pharmacy" を満たす
      かつ 結果 "subsidy_case" は "large_chain_pharmacy" である
      かつ 補助額は 36,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: グループ月39,999回の薬局は大型でない → 73,000×3/4 = 54,750 → 上限 54,000円（B07 例2 の境目）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                        | 値       |
        | institution_type                            | "pharmacy" |
        | pharmacy_group_prescriptions_monthly_count  | 39,999   |
        | integrates_patient_card                     | はい     |
        | integrates_beneficiary_certificate          | はい     |
        | project_cost_yen                            | 73,000   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "large_chain_pharmacy" を満たさない
      かつ 結果 "subsidy_case" は "clinic_or_pharmacy" である
      かつ 補助額は 54,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 病院、再来受付機なし、500,000円 → 500,000×1/2 = 250,000円（< 283,000）（B07 例4）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値       |
        | institution_type                   | "hospital" |
        | integrates_patient_card            | はい     |
        | integrates_beneficiary_certificate | はい     |
        | reception_machine_work             | いいえ   |
        | project_cost_yen                   | 500,000  |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 結果 "subsidy_case" は "hospital_other" である
      かつ 補助上限額は 283,000 円である
      かつ 補助額は 250,000 円である
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 病院、設置していない再来受付機の改修 1,000,000円 →「上記以外」min(1,000,000, 566,000)×1/2 = 283,000円
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値        |
        | institution_type                   | "hospital" |
        | integrates_patient_card            | いいえ    |
        | integrates_beneficiary_certificate | はい      |
        | reception_machine_work             | はい      |
        | reception_machine_installed        | いいえ    |
        | project_cost_yen                   | 1,000,000 |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 要件 "reception_machine_case" を満たさない
      かつ 結果 "subsidy_case" は "hospital_other" である
      かつ 補助額は 283,000 円である
      かつ 読み方の前提 "uninstalled_reception_machine_other_case" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 事業費の指定なし → 補助上限額を補助額として示す（診療所 5.4万円）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値     |
        | institution_type                   | "clinic" |
        | integrates_patient_card            | はい   |
        | integrates_beneficiary_certificate | はい   |
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助上限額は 54,000 円である
      かつ 補助額は 54,000 円である

    シナリオアウトライン: 事業費の境目 — <種類> <事業費>円 → <計算>
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                                        | 値     |
        | integrates_patient_card                     | いいえ |
        | integrates_beneficiary_certificate          | はい   |
        | pharmacy_group_prescriptions_monthly_count  | 50,000 |
        | reception_machine_work                      | いいえ |
      かつ 事実 "institution_type" は <種類> である
      かつ 事実 "project_cost_yen" は <事業費> である
      もし 判定を求める
      ならば 交付対象と判定される
      かつ 補助額は <補助額> 円である

      例:
        | 種類     | 事業費  | 計算                                             | 補助額  |
        | "clinic" | 71,999  | 71,999×3/4 = 53,999.25 → 切り捨て 53,999        | 53,999  |
        | "clinic" | 72,000  | 72,000×3/4 = 54,000（上限ちょうど）             | 54,000  |
        | "clinic" | 72,001  | 72,001×3/4 = 54,000.75 → 上限 54,000            | 54,000  |
        | "clinic" | 73,001  | 事業費上限 73,000×3/4 = 54,750 → 上限 54,000    | 54,000  |
        | "pharmacy" | 71,999  | 大型: 71,999×1/2 = 35,999.5 → 切り捨て 35,999   | 35,999  |
        | "pharmacy" | 72,000  | 大型: 72,000×1/2 = 36,000（上限ちょうど）       | 36,000  |
        | "pharmacy" | 72,002  | 大型: 72,002×1/2 = 36,001 → 上限 36,000         | 36,000  |
        | "hospital" | 565,999 | 565,999×1/2 = 282,999.5 → 切り捨て 282,999      | 282,999 |
        | "hospital" | 566,000 | 566,000×1/2 = 283,000（上限ちょうど）           | 283,000 |
        | "hospital" | 566,002 | 事業費上限 566,000×1/2 = 283,000                | 283,000 |

  ルール: 「一定以上」の基準が資料にない場合は未確定（金額を推測しない）

    シナリオ: 病院、現に設置している再来受付機を含む改修 1,500,000円 → ※1・利用率の基準がなく未確定（上限 60.0万円のみ示す）（B07 例3）
      # ※1 を満たせば min(1,500,000, 1,200,000)×1/2 = 600,000円、満たさず利用率が一定以上増加なら ×1/3 = 400,000円。
      # どちらの基準も資料にないため補助額は示さない。
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値        |
        | institution_type                   | "hospital" |
        | integrates_patient_card            | はい      |
        | integrates_beneficiary_certificate | はい      |
        | reception_machine_work             | はい      |
        | reception_machine_installed        | はい      |
        | project_cost_yen                   | 1,500,000 |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 未確定の点 "usage_count_threshold_not_stated" が示される
      かつ 未確定の点 "usage_rate_increase_threshold_not_stated" が示される
      かつ 結果 "subsidy_case" は "hospital_reception_machine" である
      かつ 補助上限額は 600,000 円である
      かつ 補助額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

    シナリオ: 診療所、診察券の一体化のみ → ※2 の利用率の基準がなく未確定（カタログ B07 例4 は 0円とするが、基準がないため決められない）
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値     |
        | institution_type                   | "clinic" |
        | integrates_patient_card            | はい   |
        | integrates_beneficiary_certificate | いいえ |
        | project_cost_yen                   | 60,000 |
      もし 判定を求める
      ならば 未確定と判定される
      かつ 要件 "patient_card_only" を満たす
      かつ 未確定の点 "usage_rate_increase_threshold_not_stated" が示される
      かつ 補助上限額は 54,000 円である
      かつ 補助額は示されない
      かつ 読み方の前提 "patient_card_only_note_2" が示される
      かつ すべての理由が日本語と英語で示され、出典の行を引用している

  ルール: 一体化のシステム改修を行わなければ交付対象外（L1159）

    シナリオ: 診察券も受給者証も一体化しない → 交付対象外、補助額 0 円
      前提 制度 "myna_card_shinsatsuken_jukyushasho_kaishu_hojo" の令和5年度に申請する
      かつ 申請の事実は次のとおり:
        | 事実                               | 値       |
        | institution_type                   | "hospital" |
        | integrates_patient_card            | いいえ   |
        | integrates_beneficiary_certificate | いいえ   |
        | reception_machine_work             | はい     |
        | reception_machine_installed        | はい     |
        | project_cost_yen                   | 500,000  |
      もし 判定を求める
      ならば 交付対象外と判定される
      かつ 要件 "system_work" を満たさない
      かつ 補助額は 0 円である
      かつ 補助上限額は示されない
      かつ すべての理由が日本語と英語で示され、出典の行を引用している
