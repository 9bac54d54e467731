# language: ja
# 配分の申請の誤りは 422 で、誤りの箇所を JSON パスで示す。
@service
機能: 配分の申請の誤り（POST /v1/allocations）allocation

  シナリオ: 申請者コードの重複 allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    かつ 配分する区分は "municipal" である
    かつ 申請者は次のとおり:
      | code   | applicant_type | score | insured_count |
      | 011002 | "municipality" | 1     | 1             |
      | 012025 | "municipality" | 1     | 1             |
      | 011002 | "municipality" | 2     | 2             |
    もし 配分を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_allocation" である
    かつ 誤りの箇所は次のとおり:
      | 箇所                 | 種類           |
      | $.applicants[2].code | duplicate_code |
    かつ 誤りの説明に "$.applicants[0]" が含まれる

  シナリオ: 申請者のいない区分（予算全体を示したのに都道府県がいない）allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    かつ 申請者は次のとおり:
      | code   | applicant_type | score | insured_count |
      | 011002 | "municipality" | 1     | 1             |
    もし 配分を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_allocation" である
    かつ 誤りの箇所は次のとおり:
      | 箇所         | 種類       |
      | $.applicants | empty_pool |
    かつ 誤りの説明に "prefectural" が含まれる

  シナリオ: 総得点がすべて 0 の区分は按分できない allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    かつ 配分する区分は "municipal" である
    かつ 申請者は次のとおり:
      | code   | applicant_type | score | insured_count |
      | 011002 | "municipality" | 0     | 100           |
    もし 配分を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所         | 種類              |
      | $.applicants | zero_total_weight |

  シナリオ: 負の予算、空の申請者一覧 allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    もし 次の本文で配分を求める:
      """
      {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": -1, "applicants": []}
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_request" である
    かつ 誤りの箇所は次のとおり:
      | 箇所         | 種類     |
      | $.budget_yen | minimum  |
      | $.applicants | minItems |

  シナリオ: 円は整数（小数の予算・小数の被保険者数）allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    もし 次の本文で配分を求める:
      """
      {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": 1000.5, "pool": "municipal",
       "applicants": [{"code": "011002", "applicant_type": "municipality", "score": 1, "insured_count": 1}]}
      """
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所         | 種類        |
      | $.budget_yen | not_integer |

  シナリオ: 申請者の項目の誤り（小数・未知の項目・必須の項目なし）allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    もし 次の本文で配分を求める:
      """
      {"program": "hokensha_doryoku_torikumi_hyoka", "fiscal_year": 2024, "budget_yen": 1000, "pool": "municipal",
       "applicants": [{"code": "011002", "applicant_type": "municipality", "score": 1, "insured_count": 1.5},
                      {"code": "012025", "applicant_type": "municipality", "score": 1, "insured_count": 1, "extra": 1},
                      {"code": "012033", "applicant_type": "municipality", "insured_count": 1}]}
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "invalid_request" である
    かつ 誤りの箇所は次のとおり:
      | 箇所                           | 種類          |
      | $.applicants[0].insured_count | not_integer   |
      | $.applicants[1].extra         | unknown_field |
      | $.applicants[2].score         | missing       |

  シナリオ: 区分の指定の誤り（ない区分、区分に属さない申請者）allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    かつ 配分する区分は "prefectural" である
    かつ 申請者は次のとおり:
      | code   | applicant_type | score | insured_count |
      | 01     | "prefecture"   | 1     | 1             |
      | 011002 | "municipality" | 1     | 1             |
    もし 配分を求める
    ならば 応答は 422 である
    かつ 誤りの箇所は次のとおり:
      | 箇所            | 種類        |
      | $.applicants[1] | not_in_pool |

  シナリオ: ない区分を指定する allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    かつ 配分する区分は "no_such_pool" である
    かつ 申請者は次のとおり:
      | code | applicant_type | score | insured_count |
      | 01   | "prefecture"   | 1     | 1             |
    もし 配分を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "unknown_pool" である
    かつ 誤りの箇所は次のとおり:
      | 箇所   | 種類         |
      | $.pool | unknown_pool |

  シナリオ: 配分の規則がない制度、ない制度、配分の制度を1件ずつ判定しようとする allocation
    前提 制度 "kokuho_healthup_municipal" の令和6年度の予算 1,000 円を配分する
    もし 次の本文で配分を求める:
      """
      {"program": "kokuho_healthup_municipal", "fiscal_year": 2024, "budget_yen": 1000, "applicants": [{"code": "1"}]}
      """
    ならば 応答は 422 である
    かつ 誤りのコードは "not_an_allocation" である

  シナリオ: ない制度の配分 allocation
    前提 制度 "hokensha_doryoku_torikumi_hyoka" の令和6年度の予算 1,000 円を配分する
    もし 次の本文で配分を求める:
      """
      {"program": "no_such_program", "fiscal_year": 2024, "budget_yen": 1000, "applicants": [{"code": "1"}]}
      """
    ならば 応答は 404 である
    かつ 誤りのコードは "unknown_program" である

  シナリオ: 配分の制度を POST /v1/decisions で判定しようとする allocation
    前提 制度 "kodomo_shien_nofukin_buntan" の2026年度に申請する
    もし 判定を求める
    ならば 応答は 422 である
    かつ 誤りのコードは "allocation_program" である
