"""The social resource directory (社会資源).

The shape follows Open Referral HSDS 3.0: a `Provider` is an HSDS organization, a
`SocialResource` an HSDS service, with its locations, schedules, phones and contacts.  Every
object carries the UUID it has in HSDS (`hsds_id`), so an exported file imported again gives
the same directory.  None of this is person-level data.  The resource development log (資源開発),
which links resources to the meetings and community issues they came from, is
`tsunagu.meetings.models.ResourceDevelopment`: it stands above the directory.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.core.models import TimeStampedModel
from tsunagu.core.validators import BoundedDateField
from tsunagu.directory.holds import held


class Taxonomy(models.TextChoices):
    SERVICE_TYPE = "service_type", _("サービスの種類")
    SPECIALTY = "specialty", _("専門・対応")


class TaxonomyTerm(models.Model):
    """One term of a taxonomy: a kind of service (居宅介護, サロン, ...) or a specialty."""

    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    taxonomy = models.CharField(_("分類"), max_length=20, choices=Taxonomy.choices)
    code = models.SlugField(_("コード"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("説明"), max_length=300, blank=True)
    is_informal = models.BooleanField(_("インフォーマルな資源"), default=False)
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("分類の項目")
        verbose_name_plural = _("分類の項目")
        ordering = ["taxonomy", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Provider(TimeStampedModel):
    """Who provides resources (HSDS organization): an organization of the network, or a
    directory-only provider for informal resources (サロン, 家族会, 民生委員)."""

    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（ふりがな）"), max_length=200, blank=True)
    description = models.TextField(_("説明"), blank=True)
    organization = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("つなぐの組織"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_provider",
        help_text=_("つなぐに登録された組織なら選びます。その組織の職員が自分で編集できます。"),
    )
    website = models.URLField(_("ウェブサイト"), blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("代表電話"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("提供者")
        verbose_name_plural = _("提供者")
        ordering = ["name_kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_informal(self) -> bool:
        return self.organization_id is None


class ResourceStatus(models.TextChoices):
    # The values are HSDS 3.0's service.status enum.
    ACTIVE = "active", _("利用できる")
    TEMPORARILY_CLOSED = "temporarily closed", _("一時休止中")
    INACTIVE = "inactive", _("受付停止中")
    DEFUNCT = "defunct", _("廃止")


class SocialResourceQuerySet(models.QuerySet["SocialResource"]):
    def public(self) -> SocialResourceQuerySet:
        """What residents may see: published, not defunct, and not held back by the app that
        keeps its publication consent (a resident activity: directory/holds.py)."""
        return (
            self.filter(is_published=True)
            .exclude(status=ResourceStatus.DEFUNCT)
            .exclude(held("public"))
        )


class SocialResource(TimeStampedModel):
    """One resource (HSDS service): a service of an office, or an informal resource."""

    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    provider = models.ForeignKey(
        Provider, verbose_name=_("提供者"), on_delete=models.PROTECT, related_name="resources"
    )
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（ふりがな）"), max_length=200, blank=True)
    service_type = models.ForeignKey(
        TaxonomyTerm,
        verbose_name=_("サービスの種類"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"taxonomy": Taxonomy.SERVICE_TYPE},
    )
    specialties = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("専門・対応"),
        blank=True,
        related_name="+",
        limit_choices_to={"taxonomy": Taxonomy.SPECIALTY},
    )
    description = models.TextField(pgettext_lazy("resource description", "紹介"), blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.ACTIVE
    )
    is_published = models.BooleanField(
        _("市民向けに公開する"),
        default=True,
        help_text=_("外すと、サインインした職員にだけ表示されます。"),
    )
    eligibility_description = models.TextField(_("対象となる人"), blank=True)
    application_process = models.TextField(_("利用の手続き"), blank=True)
    fees_description = models.CharField(_("利用料"), max_length=300, blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("対象年齢（下限）"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("対象年齢（上限）"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("定員"), null=True, blank=True)
    vacancies = models.PositiveIntegerField(_("空き"), null=True, blank=True)
    vacancies_confirmed_on = BoundedDateField(_("空きを確認した日"), null=True, blank=True)
    accepts_visits = models.BooleanField(_("見学できる"), default=False)
    accepts_trial = models.BooleanField(_("体験利用できる"), default=False)
    visit_note = models.CharField(_("見学・体験について"), max_length=300, blank=True)
    internal_note = models.TextField(
        _("職員向けメモ（非公開）"),
        blank=True,
        help_text=_("市民向けのページとHSDSの公開APIには出ません。"),
    )
    # Everything a resident might type, folded like kana (tsunagu.core.kana), for the search.
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SocialResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会資源")
        verbose_name_plural = _("社会資源")
        ordering = ["name_kana", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vacancies__isnull=True)
                | Q(capacity__isnull=True)
                | Q(vacancies__lte=models.F("capacity")),
                name="directory_vacancies_within_capacity",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "status"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.vacancies is not None
            and self.capacity is not None
            and self.vacancies > self.capacity
        ):
            errors["vacancies"] = str(_("空きが定員を超えています。"))
        if self.vacancies is not None and self.vacancies_confirmed_on is None:
            errors["vacancies_confirmed_on"] = str(
                _("空きを入力したときは、確認した日も入力してください。")
            )
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            errors["maximum_age"] = str(_("対象年齢の上限が下限より小さくなっています。"))
        if errors:
            raise ValidationError(errors)


class Location(models.Model):
    """Where a resource is (HSDS location with its one physical address)."""

    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    resource = models.ForeignKey(SocialResource, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("場所の名称"), max_length=200, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=20, blank=True)
    city = models.CharField(_("市区町村"), max_length=60, blank=True)
    address = models.CharField(_("町名・番地・建物"), max_length=200, blank=True)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("地域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("経度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    transportation = models.CharField(_("交通・アクセス"), max_length=300, blank=True)
    accessibility = models.TextField(_("バリアフリー・配慮"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("所在地")
        verbose_name_plural = _("所在地")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.full_address or self.name

    @property
    def full_address(self) -> str:
        return f"{self.prefecture}{self.city}{self.address}"


class Weekday(models.TextChoices):
    # HSDS (RFC 5545) day codes.
    MO = "MO", pgettext_lazy("weekday", "月")
    TU = "TU", pgettext_lazy("weekday", "火")
    WE = "WE", pgettext_lazy("weekday", "水")
    TH = "TH", pgettext_lazy("weekday", "木")
    FR = "FR", pgettext_lazy("weekday", "金")
    SA = "SA", pgettext_lazy("weekday", "土")
    SU = "SU", pgettext_lazy("weekday", "日")


class Schedule(models.Model):
    """Opening hours on some weekdays (HSDS schedule, freq WEEKLY)."""

    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    resource = models.ForeignKey(SocialResource, on_delete=models.CASCADE, related_name="schedules")
    weekdays = models.CharField(_("曜日"), max_length=30, blank=True)  # "MO,TU,WE"
    opens_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    closes_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    description = models.CharField(
        _("補足"), max_length=200, blank=True, help_text=_("例: 祝日・年末年始は休み")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("開所日時")
        verbose_name_plural = _("開所日時")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.weekdays

    @property
    def weekday_list(self) -> list[str]:
        return [day for day in self.weekdays.split(",") if day]

    @property
    def weekday_labels(self) -> str:
        labels = dict(Weekday.choices)
        return "・".join(str(labels[day]) for day in self.weekday_list if day in labels)

    def clean(self) -> None:
        days = self.weekday_list
        if any(day not in Weekday.values for day in days):
            raise ValidationError({"weekdays": _("曜日の指定が正しくありません。")})
        if not days and not self.description:
            raise ValidationError({"weekdays": _("曜日を選ぶか、補足を書いてください。")})
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("終了時刻は開始時刻より後にしてください。")})


class PhoneKind(models.TextChoices):
    VOICE = "voice", _("電話")
    FAX = "fax", _("FAX")
    TEXT = "text", _("SMS")


class Phone(models.Model):
    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    resource = models.ForeignKey(SocialResource, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("番号"), max_length=20)
    kind = models.CharField(_("種類"), max_length=10, choices=PhoneKind.choices, default="voice")
    description = models.CharField(_("補足"), max_length=200, blank=True)
    is_internal = models.BooleanField(
        _("職員向け（非公開）"), default=False, help_text=_("市民向けには表示しません。")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("電話番号")
        verbose_name_plural = _("電話番号")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.number


class Contact(models.Model):
    hsds_id = models.UUIDField(_("HSDS ID"), unique=True, default=uuid.uuid4)
    resource = models.ForeignKey(SocialResource, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("氏名・窓口名"), max_length=100)
    title = models.CharField(_("役職"), max_length=100, blank=True)
    department = models.CharField(_("部署"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    is_internal = models.BooleanField(
        _("職員向け（非公開）"), default=True, help_text=_("市民向けには表示しません。")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("連絡先")
        verbose_name_plural = _("連絡先")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name
