"""The report's words in English and Korean, and number formats Korean readers expect.

Only the report is translated (headings, sentences, table headers, chart titles and axis labels);
CLI help and messages stay English. :func:`default_lang` picks Korean when the user's locale is
Korean (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` starting with ``ko``).
"""

from __future__ import annotations

import os

from tokcost.render import money as render_money

LANGS = ("en", "ko")

_EN: dict[str, str] = {
    "title": "What Korean text costs — tokcost report",
    "generated": "Generated {generated} by tokcost {version}",
    "corpora": "corpora", "tokenizers_n": "{n} tokenizers", "prices_as_of": "prices as of {d}",
    "fx": "FX {fx} KRW/USD", "vat_included": "VAT included", "vat_excluded": "VAT excluded",
    "budget_h": "Monthly budget for your workload",
    "workload": "Workload: {rpd} requests a day for {days} days ({total} requests), "
                "{inp} Korean characters in and {out} out per request; prices as of {asof}, "
                "{fx} KRW/USD, {vat}.",
    "workload_src": "Set by {src}.",
    "workload_src_default": "the defaults (set --requests-per-day, --input-chars, --output-chars, "
                            "--shortlist or [workload] in tokcost.toml)",
    "shortlist_given": "Shortlist: the models you named.",
    "shortlist_auto": "Shortlist: the cheapest current pay-per-token model of each provider, {n} "
                      "models (name yours with --shortlist or models in [workload] of tokcost.toml).",
    "budget_note": "Korean cost per month on each model's own tokenizer, with the 95 % range of "
                   "the measured Korean/English ratio; “English” is the same content in English. "
                   "The Korean premium here comes from the {corpus} corpus.",
    "headline_lead": "{model} ({provider}): {krw} / {usd} a month in Korean (range {lo}–{hi}); "
                     "{en_usd} for the same content in English.",
    "summary_h": "Summary",
    "ratio_h": "Korean premium per tokenizer",
    "ratio_note": "Korean tokens ÷ English tokens for the same sentences of {corpus}, each "
                  "sentence tokenized on its own; whiskers are 95 % paired bootstrap intervals.",
    "ratio_caption": "Red: tokenizers trained for Korean; blue: English-centric or global.",
    "cost_h": "Cost of {n} typical Korean requests",
    "cost_note": "A typical request is the average of the {k} multi-turn chat requests in {file} "
                 "(system prompt and turns as input, an answer of {out} English-equivalent tokens "
                 "scaled by each tokenizer's premium), counted on each model's own tokenizer; list "
                 "prices as of {asof}. The Korean premium in this table comes from these chat "
                 "requests, so it differs from the budget's, which comes from the {corpus} corpus.",
    "cost_caption": "Filled dot: Korean; open circle: the same requests in English. Log scale. "
                    "Tags in brackets: how the model was counted and priced.",
    "not_costed": "{n} models not costed",
    "domains_h": "Ratio by domain",
    "domains_caption": "Korean/English token ratio per tokenizer and domain.",
    "dist_h": "Tokens per sentence",
    "dist_caption": "Per-sentence token counts, Korean vs English.",
    "bound_h": "Where the tokenizers cut",
    "bound_note": "One colour per token; pieces outlined in red dashes are byte-fallback tokens "
                  "(raw bytes of one character). Hover a piece for its token count.",
    "diag_h": "Korean diagnostics",
    "diag_note": "Hangul syllables that encode as one token, tokens per syllable, words split into "
                 "two or more tokens (Rust et al. 2021) and tokens per morpheme. Definitions: "
                 "docs/diagnostics.md.",
    "budget_all_h": "Monthly budget, every model",
    "selfhosted_h": "Self-hosted models (assumptions)",
    "selfhosted_note": "Self-hosted costs are not list prices: they follow from the GPU-hour price "
                       "and throughput assumed in the price table (pricing/self-hosted.toml; change "
                       "them with --gpu-hourly, --throughput, --prompt-throughput).",
    "method_h": "Method and provenance",
    "method_note": "Every number on this page is in results.json beside it. Signatures:",
    "sources": "Price sources", "warnings": "Warnings",
    "labels_legend": "Labels: how each model is counted and priced — tokenizer exact / presumed "
                     "(tokcost's inference, not documented) / proxy (another model's tokenizer); "
                     "price confidence high / medium / low; price variant (standard, off-peak, …); "
                     "self-hosted (an assumption, not a list price); retired; UNVERIFIED (the "
                     "tokenizer file's checksum is not the catalog's; no badge: verified).",
    "no_chart": "Chart not drawn: install the report extra (pip install \"tokcost[report]\").",
    "print_not_costed": "Not costed",
    # table headers
    "h_model": "model", "h_provider": "provider", "h_tokenizer": "tokenizer",
    "h_kind": "kind", "g_korean": "Korean-trained", "g_english": "English-centric",
    "g_api": "API-counted", "h_how": "counted with · identity", "c_verified": "verified",
    "c_unverified": "UNVERIFIED", "c_api": "{counter}, counted {date}",
    "h_trained": "Korean-trained", "h_ratio": "ko/en ratio", "h_ci": "95 % CI",
    "h_ko_tokens": "ko tokens", "h_en_tokens": "en tokens", "h_ko_cpt": "ko chars/token",
    "h_ko_fert": "ko tokens/eojeol", "h_en_fert": "en tokens/word", "h_bf": "ko byte-fallback",
    "h_in": "ko in/req", "h_out": "ko out/req", "h_per_req": "{cur} / request",
    "h_batch": "{cur} / {n} req", "h_en_batch": "same in English ({cur})",
    "h_premium_req": "Korean premium (chat requests)",
    "h_premium_corpus": "Korean premium ({corpus} corpus)",
    "h_ctx": "context: ko chars / en words", "h_price_date": "price date", "h_labels": "labels",
    "h_status": "status", "h_monthly": "monthly ({cur})", "h_range": "range from the ratio's 95 % CI ({cur})",
    "h_monthly_en": "same in English ({cur})", "h_cov": "single-token syllables (of 11,172)",
    "h_cov2350": "of the 2,350 common", "h_tps": "tokens per syllable",
    "h_cont_ko": "continued eojeol", "h_cont_en": "continued English words",
    "h_morph": "tokens per morpheme", "yes": "yes", "no": "no",
    # labels
    "l_presumed": "presumed tokenizer", "l_proxy": "proxy tokenizer", "l_vendor-api": "vendor API count",
    "l_none": "no tokenizer", "l_conf": "{c}-confidence price", "l_self": "self-hosted (assumed)",
    "l_retired": "retired", "l_stale": "price {d} days old",
    # charts
    "c_ratio_title": "Korean premium per tokenizer (95 % bootstrap CI)",
    "c_ratio_x": "Korean tokens / English tokens (same content)",
    "c_group": "tokenizer", "c_korean": "Korean-trained", "c_global": "English-centric / global",
    "c_parity": "parity (1.0)", "c_claim": "\"347 % more\" claim ({r})",
    "c_cost_title": "Cost of {n} typical Korean requests ({cur})",
    "c_cost_short": "shortlist", "c_cost_tail": "other models",
    "c_cost_x": "{cur} per {n} requests (log scale)", "c_lang": "language",
    "c_ko": "Korean", "c_en": "English",
    "c_heat_title": "Korean/English ratio by domain", "c_heat_legend": "ko/en ratio",
    "c_dist_title": "Distribution of tokens per sentence",
    "c_dist_x": "tokens per sentence (bar p10–p90, tick median, dot mean)",
    # summary sentences
    "s_budget": "For your workload, the cheapest shortlisted model is {model} ({provider}) at "
                "{krw} ({usd}) a month in Korean, range {lo}–{hi}; the dearest shortlisted, "
                "{dmodel}, costs {dkrw} ({dusd}).",
    "s_cheapest": "Cheapest pay-per-token API for Korean: {model} ({provider}) at {usd} ({krw}) per "
                  "{n} typical Korean requests; the dearest model measured, {dmodel}, costs {dusd}.",
    "s_selfhosted": "Self-hosted, on the GPU-hour and throughput assumptions of the price table, "
                    "{model} would cost {usd} per {n} requests — an assumption, not a list price.",
    "s_english": "On the {n} English-centric or global tokenizers, the same content in Korean takes "
                 "{lo}–{hi}× the English tokens: a Korean premium of {plo}–{phi} % in tokens, and so "
                 "in money on the same model.",
    "s_korean": "The {n} Korean-trained tokenizers take {lo}–{hi}× the English tokens.",
    "s_no_korean": "No Korean-trained tokenizer is on this machine, so the report cannot compare "
                   "them: `tokcost tokenizers pull exaone-4.0` (or ax-4.0, kanana, …) fetches one, or "
                   "point TOKCOST_TOKENIZERS_DIR at a mirror.",
    "s_claim": "The often-quoted “Korean costs 347 % more” needs a ratio of {need}; the highest "
               "measured here, {tok}, reaches at most {top} (upper end of its 95 % CI), so on these "
               "tokenizers and this corpus the claim {verdict}.",
    "s_claim_holds": "holds", "s_claim_fails": "does not hold",
    "s_claim_loose": " Read loosely as {r}× the tokens, it is reached only by {toks}.",
    "s_not_costed": "Not costed (tokenizer not public, not on this machine, or no price): {n} models, "
                    "listed under the cost table.",
    "s_stale_prices": "Stale prices: {n} model(s) costed here use a price older than {days} days on "
                      "{asof} (oldest: {model}, dated {date}, {age} days old); see Warnings.",
    "s_stale_fx": "Stale exchange rate: the KRW figures use {fx} KRW/USD dated {date}, {age} days "
                  "old on {asof} (threshold {days} days); pass --fx for a current rate.",
}

_KO: dict[str, str] = {
    "title": "한국어 텍스트의 비용 — tokcost 보고서",
    "generated": "{generated}, tokcost {version}로 생성",
    "corpora": "코퍼스", "tokenizers_n": "토크나이저 {n}개", "prices_as_of": "가격 기준일 {d}",
    "fx": "환율 {fx} 원/달러", "vat_included": "부가세 포함", "vat_excluded": "부가세 별도",
    "budget_h": "워크로드별 월 예산",
    "workload": "워크로드: 하루 {rpd}건 × {days}일 (총 {total}건), 요청당 한국어 입력 {inp}자·출력 "
                "{out}자; 가격 기준일 {asof}, 환율 {fx} 원/달러, {vat}.",
    "workload_src": "설정 출처: {src}.",
    "workload_src_default": "기본값 (--requests-per-day, --input-chars, --output-chars, --shortlist "
                            "또는 tokcost.toml의 [workload]로 지정)",
    "shortlist_given": "후보 모델: 지정한 모델.",
    "shortlist_auto": "후보 모델: 제공사마다 가장 저렴한 현행 종량제 모델 {n}개 (--shortlist 또는 "
                      "tokcost.toml [workload]의 models로 지정).",
    "budget_note": "각 모델 자체 토크나이저 기준 한국어 월 비용과, 측정된 한국어/영어 비율의 95 % "
                   "범위입니다. ‘영어’는 같은 내용을 영어로 보냈을 때의 비용입니다. 여기의 한국어 "
                   "할증은 {corpus} 코퍼스에서 구한 값입니다.",
    "headline_lead": "{model} ({provider}): 한국어 월 {krw} / {usd} (범위 {lo}–{hi}); 같은 내용 영어는 "
                     "{en_usd}.",
    "summary_h": "요약",
    "ratio_h": "토크나이저별 한국어 할증",
    "ratio_note": "{corpus}의 같은 문장에 대한 한국어 토큰 수 ÷ 영어 토큰 수 (문장마다 따로 토큰화). "
                  "수염은 95 % 대응 부트스트랩 구간입니다.",
    "ratio_caption": "빨강: 한국어로 학습된 토크나이저, 파랑: 영어 중심 또는 범용.",
    "cost_h": "일반적인 한국어 요청 {n}건의 비용",
    "cost_note": "일반적인 요청은 {file}에 있는 다중 턴 대화 요청 {k}건의 평균입니다 (시스템 프롬프트와 "
                 "대화를 입력으로, 영어 기준 {out} 토큰의 답변을 각 토크나이저의 할증만큼 늘려 출력으로). "
                 "각 모델 자체 토크나이저로 세고, {asof} 기준 정가를 적용했습니다. 이 표의 한국어 할증은 "
                 "이 대화 요청에서 구한 값이라 {corpus} 코퍼스에서 구한 예산 표의 할증과 다릅니다.",
    "cost_caption": "채운 점: 한국어, 빈 원: 같은 요청의 영어. 로그 눈금. 괄호 안 표시: 토큰 계산과 "
                    "가격의 근거.",
    "not_costed": "비용을 계산하지 않은 모델 {n}개",
    "domains_h": "분야별 비율",
    "domains_caption": "토크나이저·분야별 한국어/영어 토큰 비율.",
    "dist_h": "문장당 토큰 수",
    "dist_caption": "문장별 토큰 수, 한국어 대 영어.",
    "bound_h": "토크나이저가 자르는 곳",
    "bound_note": "토큰마다 한 색입니다. 빨간 점선 테두리는 바이트 폴백 토큰(한 글자의 원시 바이트)입니다. "
                  "조각 위에 마우스를 올리면 토큰 수가 보입니다.",
    "diag_h": "한국어 진단",
    "diag_note": "한 토큰으로 인코딩되는 한글 음절, 음절당 토큰, 두 개 이상의 토큰으로 나뉘는 단어 "
                 "(Rust et al. 2021), 형태소당 토큰. 정의: docs/diagnostics.md.",
    "budget_all_h": "월 예산, 전체 모델",
    "selfhosted_h": "자체 호스팅 모델 (가정)",
    "selfhosted_note": "자체 호스팅 비용은 정가가 아니라 가격표(pricing/self-hosted.toml)에 가정한 GPU "
                       "시간당 가격과 처리량에서 나온 값입니다 (--gpu-hourly, --throughput, "
                       "--prompt-throughput로 변경).",
    "method_h": "방법과 출처",
    "method_note": "이 페이지의 모든 숫자는 옆의 results.json에 있습니다. 서명:",
    "sources": "가격 출처", "warnings": "경고",
    "labels_legend": "표시: 각 모델의 토큰 계산과 가격 근거 — 토크나이저 exact(공개) / 추정(tokcost의 "
                     "추론, 문서화되지 않음) / 대리(다른 모델의 토크나이저); 가격 신뢰도 높음·보통·낮음; "
                     "가격 변형(standard, off-peak 등); 자체 호스팅(정가가 아닌 가정); 단종; 검증 안 됨"
                     "(토크나이저 파일의 체크섬이 카탈로그와 다름; 표시 없음: 검증됨).",
    "no_chart": "차트를 그리지 못했습니다: report 추가 기능을 설치하세요 (pip install \"tokcost[report]\").",
    "print_not_costed": "비용 미계산",
    "h_model": "모델", "h_provider": "제공사", "h_tokenizer": "토크나이저",
    "h_kind": "구분", "g_korean": "한국어 학습", "g_english": "영어 중심",
    "g_api": "API 계산", "h_how": "계산 방식 · 검증", "c_verified": "검증됨",
    "c_unverified": "검증 안 됨", "c_api": "{counter}, {date} 계산",
    "h_trained": "한국어 학습", "h_ratio": "한/영 비율", "h_ci": "95 % 신뢰구간",
    "h_ko_tokens": "한국어 토큰", "h_en_tokens": "영어 토큰", "h_ko_cpt": "한국어 글자/토큰",
    "h_ko_fert": "한국어 토큰/어절", "h_en_fert": "영어 토큰/단어", "h_bf": "한국어 바이트 폴백",
    "h_in": "요청당 한국어 입력", "h_out": "요청당 한국어 출력", "h_per_req": "요청당 ({cur})",
    "h_batch": "{n}건당 ({cur})", "h_en_batch": "같은 내용 영어 ({cur})",
    "h_premium_req": "한국어 할증 (대화 요청)",
    "h_premium_corpus": "한국어 할증 ({corpus} 코퍼스)",
    "h_ctx": "컨텍스트: 한국어 글자 / 영어 단어", "h_price_date": "가격 날짜", "h_labels": "표시",
    "h_status": "상태", "h_monthly": "월 비용 ({cur})",
    "h_range": "한/영 비율 95 % 신뢰구간 기준 범위 ({cur})",
    "h_monthly_en": "같은 내용 영어 ({cur})", "h_cov": "한 토큰 음절 (11,172자 중)",
    "h_cov2350": "상용 2,350자 중", "h_tps": "음절당 토큰",
    "h_cont_ko": "나뉜 어절", "h_cont_en": "나뉜 영어 단어",
    "h_morph": "형태소당 토큰", "yes": "예", "no": "아니요",
    "l_presumed": "추정 토크나이저", "l_proxy": "대리 토크나이저", "l_vendor-api": "제공사 API 계산",
    "l_none": "토크나이저 없음", "l_conf": "가격 신뢰도 {c}", "l_self": "자체 호스팅(가정)",
    "l_retired": "단종", "l_stale": "가격 {d}일 경과",
    "c_ratio_title": "토크나이저별 한국어 할증 (95 % 부트스트랩 신뢰구간)",
    "c_ratio_x": "한국어 토큰 / 영어 토큰 (같은 내용)",
    "c_group": "토크나이저", "c_korean": "한국어 학습", "c_global": "영어 중심 / 범용",
    "c_parity": "동등 (1.0)", "c_claim": "‘347 % 더 비싸다’ 주장 ({r})",
    "c_cost_title": "일반적인 한국어 요청 {n}건의 비용 ({cur})",
    "c_cost_short": "후보 모델", "c_cost_tail": "기타 모델",
    "c_cost_x": "요청 {n}건당 {cur} (로그 눈금)", "c_lang": "언어",
    "c_ko": "한국어", "c_en": "영어",
    "c_heat_title": "분야별 한국어/영어 비율", "c_heat_legend": "한/영 비율",
    "c_dist_title": "문장당 토큰 수 분포",
    "c_dist_x": "문장당 토큰 수 (막대 p10–p90, 눈금 중앙값, 점 평균)",
    "s_budget": "이 워크로드에서 가장 저렴한 후보 모델은 {model} ({provider})로 한국어 월 {krw} "
                "({usd}), 범위 {lo}–{hi}입니다. 가장 비싼 후보 모델 {dmodel}은 {dkrw} ({dusd})입니다.",
    "s_cheapest": "한국어에 가장 저렴한 종량제 API: {model} ({provider}), 일반적인 한국어 요청 {n}건당 "
                  "{usd} ({krw}). 측정한 모델 중 가장 비싼 {dmodel}은 {dusd}입니다.",
    "s_selfhosted": "가격표의 GPU 시간당 가격과 처리량 가정으로 자체 호스팅하면 {model}은 요청 {n}건당 "
                    "{usd}입니다 — 정가가 아닌 가정입니다.",
    "s_english": "영어 중심 또는 범용 토크나이저 {n}개에서 같은 내용의 한국어는 영어 토큰의 {lo}–{hi}배가 "
                 "듭니다: 토큰 기준 한국어 할증 {plo}–{phi} %, 같은 모델이면 비용도 그만큼입니다.",
    "s_korean": "한국어로 학습된 토크나이저 {n}개는 영어 토큰의 {lo}–{hi}배가 듭니다.",
    "s_no_korean": "이 컴퓨터에 한국어 학습 토크나이저가 없어 비교할 수 없습니다: `tokcost tokenizers "
                   "pull exaone-4.0` (또는 ax-4.0, kanana 등)으로 받거나 TOKCOST_TOKENIZERS_DIR를 "
                   "미러로 지정하세요.",
    "s_claim": "자주 인용되는 ‘한국어는 347 % 더 비싸다’는 비율 {need}이 필요합니다. 여기서 가장 높은 "
               "{tok}도 최대 {top} (95 % 신뢰구간 상단)이므로, 이 토크나이저와 코퍼스에서 그 주장은 "
               "{verdict}.",
    "s_claim_holds": "성립합니다", "s_claim_fails": "성립하지 않습니다",
    "s_claim_loose": " 느슨하게 ‘토큰 {r}배’로 읽으면 {toks}만 도달합니다.",
    "s_not_costed": "비용 미계산 (토크나이저 비공개, 이 컴퓨터에 없음, 또는 가격 없음): 모델 {n}개, "
                    "비용 표 아래에 나열.",
    "s_stale_prices": "오래된 가격: 여기서 비용을 계산한 모델 {n}개의 가격이 {asof} 기준 {days}일보다 "
                      "오래되었습니다 (가장 오래된 것: {model}, {date}, {age}일). 경고를 보세요.",
    "s_stale_fx": "오래된 환율: 원화 금액은 {date} 기준 {fx}원/달러를 씁니다. {asof} 기준 {age}일 "
                  "지났습니다 (기준 {days}일). 현재 환율은 --fx로 지정하세요.",
}

_STRINGS = {"en": _EN, "ko": _KO}
_CONF_KO = {"high": "높음", "medium": "보통", "low": "낮음"}


def default_lang(env: dict[str, str] | None = None) -> str:
    """``ko`` when the locale is Korean, else ``en``."""
    e = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = e.get(var)
        if v:
            return "ko" if v.lower().startswith("ko") else "en"
    return "en"


class Words:
    """``t(key, **fields)`` in one language, and the number formats of that language."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown report language {lang!r} (one of {', '.join(LANGS)})")
        self.lang = lang
        self._s = _STRINGS[lang]

    def t(self, key: str, **fields: object) -> str:
        text = self._s.get(key) or _EN[key]
        return text.format(**fields) if fields else text

    def confidence(self, c: str) -> str:
        return _CONF_KO.get(c, c) if self.lang == "ko" else c

    def money(self, v: float | None, cur: str) -> str:
        """Amounts: ``tokcost.render.money``; in Korean, won in 만/억 from ₩10,000 up."""
        if v is None:
            return "—"
        if self.lang == "ko" and cur == "KRW":
            return krw_ko(v)
        return render_money(v, cur) or "—"


def krw_ko(v: float) -> str:
    """Won as Korean readers write amounts: ``3,450원``, ``12.3만 원``, ``1,234만 원``, ``2.35억 원``."""
    a = abs(v)
    sign = "-" if v < 0 else ""
    if a >= 1e8:
        return f"{sign}{a / 1e8:,.2f}억 원"
    if a >= 1e6:
        return f"{sign}{a / 1e4:,.0f}만 원"
    if a >= 1e5:
        return f"{sign}{a / 1e4:,.1f}만 원"
    if a >= 1e4:
        return f"{sign}{a / 1e4:,.2f}만 원"
    if a >= 100:
        return f"{sign}{a:,.0f}원"
    return f"{sign}{a:,.2f}원"
