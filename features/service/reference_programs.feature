# language: ja
@service
機能: 参照のみの制度（委託・予算の枠・説明のみ）は判定せず 422 "not_decidable" で理由を返す
  # programs.yaml で status: reference の制度には申請者側の規則がない（委託事業、予算の枠、ナラティブ）。
  # 判定を求められても金額を作らず、rules/<id>/reference.yaml の why_not_decidable を 422 で返す。
  # 根拠の行: 000 L119（補助率：定額）、L277（委託事業者）、L317（委託事業）、L1194（日本健康会議）、
  # 001 L1190（財政支援とだけある）、L3184（検討）、003 L654（予算額のみ）、L634–636（算式なし）。

  シナリオアウトライン: 参照のみの制度 <制度> に判定を求める → 422、誤りのコードは not_decidable
    前提 制度 "<制度>" の<年度>に申請する
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "not_decidable" である

    例:
      | 制度                                     | 年度     |
      | kenporen_kogaku_iryo_kofukin_futankin    | 令和6年度 |
      | kokuho_reform_fiscal_support             | 令和7年度 |
      | shinryo_hoshu_dx_shisetsu_kijun          | 令和7年度 |
      | ndb_rikatsuyo_suishin                    | 令和7年度 |
      | ittai_jisshi_yokotenkai_hojo             | 令和7年度 |
      | datahealth_hyojunka_ittai_kensho         | 令和7年度 |
      | koreisha_hoken_jigyo_arikata_kento       | 令和7年度 |
      | yobo_kenko_daikibo_jissho                | 令和7年度 |
      | iryohi_tekiseika_suishin                 | 令和7年度 |
      | kokuho_hoken_jigyo_chosa_bunseki         | 令和7年度 |
      | yobo_kenko_incentive_suishin             | 令和7年度 |
      | kokuho_chokuei_myna_lane_shien           | 令和6年度 |
      | kokuho_nofukin_hokenryo_suijun_toitsu    | 令和6年度 |
      | kodomo_shienkin_hokensha_zaisei_shien    | 令和8年度 |
      | kokuho_zaisei_anteika_shien_jigyo        | 令和6年度 |
      | kokuho_todofuken_futsu_tokubetsu_kofukin | 令和6年度 |
      | zenki_koreisha_zaisei_chosei             | 令和6年度 |

  シナリオ: 委託事業の理由が日本語で示される（000 L277「実施主体（システム改修）：委託事業者」）
    前提 制度 "shinryo_hoshu_dx_shisetsu_kijun" の令和7年度に申請する
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "not_decidable" である
    かつ 誤りの説明に "委託事業者" が含まれる

  シナリオ: 事実を添えても金額は作らない — 健保連の高額医療交付金は定額（000 L119「（補助率：定額）」）
    前提 制度 "kenporen_kogaku_iryo_kofukin_futankin" の令和6年度に申請する
    かつ 事実 "claims_yen" は [5000000] である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "not_decidable" である
    かつ 誤りの説明に "定額" が含まれる
