# language: ja
@service
機能: 申請の誤りは 422（JSON パスつき）、存在しない制度は 404 — 500 にはならない

  背景:
    前提 制度 "kokuho_healthup_municipal" の令和6年度に申請する
    かつ 申請の事実は次のとおり:
      | 事実                   | 値        |
      | insured_count          | 30,000    |
      | has_data_health_plan   | はい      |
      | categories             | ["1","3"] |
      | third_party_evaluation | いいえ    |
      | designated_model       | いいえ    |

  シナリオ: 整数の事実に小数 → 422、箇所は $.facts.insured_count
    前提 事実 "insured_count" は 30000.0 である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_facts" である
    かつ 誤りの箇所は次のとおり:
      | 箇所                    | 種類        |
      | $.facts.insured_count   | not_integer |

  シナリオ: 必要な事実がない → 422、箇所は欠けた事実
    前提 事実 "has_data_health_plan" を指定しない
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所                          | 種類    |
      | $.facts.has_data_health_plan  | missing |

  シナリオ: 令和6年度にない事業区分 "4p" → 422、箇所は配列の要素
    前提 事実 "categories" は ["1","4p"] である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所                    | 種類        |
      | $.facts.categories[1]   | not_allowed |

  シナリオ: 負の数 → 422
    前提 事実 "insured_count" は -1 である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所                  | 種類    |
      | $.facts.insured_count | minimum |

  シナリオ: モデル事業の指定を受けたのに管内市町村数と指定数がない → 両方を示す
    前提 事実 "designated_model" は はい である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所                                  | 種類    |
      | $.facts.prefecture_designated_count   | missing |
      | $.facts.prefecture_municipality_count | missing |

  シナリオ: いくつもの誤りはまとめて、それぞれの箇所で示す
    前提 事実 "insured_count" は "三万" である
    かつ 事実 "categories" は ["1","1"] である
    かつ 事実 "population" は 5 である
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所                   | 種類          |
      | $.facts.insured_count  | type          |
      | $.facts.categories     | uniqueItems   |
      | $.facts.population     | unknown_field |

  シナリオ: 全角の事業区分は NFKC で正規化して受け付ける
    前提 事実 "categories" は ["１","３"] である
    もし 判定を求める
    ならば 補助上限額は 13,500,000 円である

  シナリオ: 存在しない制度 → 404
    前提 制度 "no_such_program" の令和6年度に申請する
    もし 判定を求める
    ならば 応答は 404 である
    かつ 誤りのコードは "unknown_program" である

  シナリオ: 規則のない年度 → 422、ある年度を示す
    前提 制度 "kokuho_healthup_municipal" の令和5年度に申請する
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "no_rule_version" である
    かつ 誤りの説明に "2021, 2024" が含まれる
    かつ 誤りの箇所は次のとおり:
      | 箇所           | 種類            |
      | $.fiscal_year  | no_rule_version |

  シナリオ: 年度に合わない版を指定 → 422
    前提 版 1 を指定する
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "version_not_in_force" である

  シナリオ: JSON として読めない本文 → 422
    もし 次の本文で判定を求める:
      """
      {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "facts": {
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_json" である

  シナリオ: 同じキーが二度ある本文 → 422
    もし 次の本文で判定を求める:
      """
      {"program": "kokuho_healthup_municipal", "program": "x", "fiscal_year": 2024, "facts": {}}
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "duplicate_key" である

  シナリオ: 申請の形そのものの誤り → 422、それぞれの箇所
    もし 次の本文で判定を求める:
      """
      {"program": "kokuho_healthup_municipal", "fiscal_year": "2024", "extra": 1}
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_request" である
    かつ 誤りの箇所は次のとおり:
      | 箇所           | 種類          |
      | $.extra        | unknown_field |
      | $.facts        | missing       |
      | $.fiscal_year  | type          |

  シナリオ: 判定は記録され、記録から同じ判定が返る
    もし 判定を求める
    ならば 応答は 200 である
    もし その判定を記録から取り出す
    ならば 記録された判定は返された判定と同じである

  シナリオ: ない判定を取り出す → 404
    もし 判定 "00000000-0000-0000-0000-000000000000" を取り出す
    ならば 応答は 404 である
    かつ 誤りのコードは "decision_not_found" である
