"""Money values, KRW/USD exchange rates and Korean VAT.

Every money value in tokcost carries its currency (:class:`Money`). Converting between USD and KRW
always names the rate used (:class:`FxRate`); VAT is added only when asked (:func:`apply_vat`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tokcost.errors import PricingError

CURRENCIES = ("USD", "KRW")
KOREA_VAT = 0.10
"""Korean value-added tax (부가가치세), 10 %. Published API list prices usually exclude it."""


def check_currency(currency: str) -> str:
    """``currency`` upper-cased, or a one-line error naming the supported currencies."""
    cur = str(currency).upper()
    if cur not in CURRENCIES:
        raise PricingError(f"unknown currency {currency!r}", hint="use USD or KRW")
    return cur


@dataclass(frozen=True)
class Money:
    """An amount of money in one currency.

    ``vat_included`` is True only after :func:`apply_vat`; prices from the tables exclude VAT
    (or, for a few Korean rows, their VAT treatment is unknown: see the row's notes).
    """

    amount: float
    currency: str
    vat_included: bool = False

    def __post_init__(self) -> None:
        check_currency(self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency or other.vat_included != self.vat_included:
            raise PricingError(
                f"cannot add {other.currency} to {self.currency} "
                f"(VAT {'in' if other.vat_included else 'ex'} vs "
                f"{'in' if self.vat_included else 'ex'})",
                hint="convert() both to one currency first",
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return replace(self, amount=self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return replace(self, amount=self.amount - other.amount)

    def __mul__(self, factor: float) -> Money:
        return replace(self, amount=self.amount * float(factor))

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Money:
        return replace(self, amount=self.amount / float(divisor))

    def __str__(self) -> str:
        vat = " incl. VAT" if self.vat_included else ""
        if self.currency == "KRW":
            return f"₩{self.amount:,.0f}{vat}" if abs(self.amount) >= 100 else \
                f"₩{self.amount:,.2f}{vat}"
        digits = 2 if abs(self.amount) >= 1 else 4
        return f"${self.amount:,.{digits}f}{vat}"

    def as_dict(self) -> dict[str, object]:
        return {"amount": self.amount, "currency": self.currency,
                "vat_included": self.vat_included}


@dataclass(frozen=True)
class FxRate:
    """A KRW-per-USD rate with its provenance.

    ``date`` is the day the rate was quoted (None for an undated command-line override).
    ``confidence`` is high|medium|low for table rows and ``"user"`` for overrides.
    """

    krw_per_usd: float
    date: date | None
    source: str
    confidence: str
    default: bool = False
    notes: str = ""
    origin: str = ""
    line: int | None = None

    def label(self) -> str:
        when = self.date.isoformat() if self.date else "undated"
        return f"{self.krw_per_usd:,.2f} KRW/USD ({when}, {self.source})"

    def as_dict(self) -> dict[str, object]:
        return {
            "krw_per_usd": self.krw_per_usd,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "confidence": self.confidence,
            "default": self.default,
            "notes": self.notes,
        }


def override_rate(krw_per_usd: float, as_of: date | None = None) -> FxRate:
    """A user-given rate (``--fx``): positive, labelled as an override."""
    value = float(krw_per_usd)
    if not value > 0 or value != value or value == float("inf"):
        raise PricingError(f"--fx {krw_per_usd!r} is not a usable rate",
                           hint="give KRW per USD as a positive number, e.g. --fx 1450")
    return FxRate(krw_per_usd=value, date=as_of, source="--fx override", confidence="user")


def convert(money: Money, to: str, fx: FxRate | float) -> Money:
    """``money`` in currency ``to`` at rate ``fx`` (an :class:`FxRate` or KRW per USD).

    The VAT flag is kept. Same-currency conversion returns ``money`` unchanged.
    """
    to = check_currency(to)
    if to == money.currency:
        return money
    rate = fx.krw_per_usd if isinstance(fx, FxRate) else override_rate(fx).krw_per_usd
    if money.currency == "USD" and to == "KRW":
        return replace(money, amount=money.amount * rate, currency="KRW")
    return replace(money, amount=money.amount / rate, currency="USD")


def apply_vat(money: Money, rate: float = KOREA_VAT) -> Money:
    """``money`` with VAT added (default: Korea's 10 %). Refuses to add it twice."""
    if money.vat_included:
        raise PricingError("VAT is already included in this amount",
                           hint="apply VAT once, at the end")
    if not 0 <= rate < 1:
        raise PricingError(f"VAT rate {rate!r} is not a fraction", hint="e.g. 0.10 for 10 %")
    return replace(money, amount=money.amount * (1 + rate), vat_included=True)
