"""CRM endpoints: accounts, opportunities (by stage), overview, the pipeline summary, moving a deal's stage
by hand, and one client with its timeline."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import invalid_input, not_found
from core.api.fields import StrictCharField
from core.api.idempotency import idempotent
from core.api.pagination import StandardPagination
from core.api.schema import path_uuid, query_choice, query_int
from core.api.validation import parse_choice, parse_int, parse_uuid
from crm import clients, selectors
from crm.models import CrmAccount, CrmOpportunity, Stage
from crm.services import opportunity_stage_move


class AccountSerializer(serializers.ModelSerializer):
    opportunity_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CrmAccount
        fields = [
            "id",
            "source_system",
            "external_ref",
            "name",
            "domain",
            "web_url",
            "opportunity_count",
            "updated_at",
        ]


ACCOUNT_REF_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
    "required": ["id", "name"],
    "description": "None for an orphan (no account).",
}


class OpportunitySerializer(serializers.ModelSerializer):
    account = serializers.SerializerMethodField()
    is_orphan = serializers.BooleanField(read_only=True)

    class Meta:
        model = CrmOpportunity
        fields = [
            "id",
            "source_system",
            "external_ref",
            "name",
            "stage",
            "source_stage",
            "amount",
            "currency",
            "probability",
            "account",
            "is_orphan",
            "web_url",
            "stage_changed_at",
            "updated_at",
        ]

    @extend_schema_field(ACCOUNT_REF_SCHEMA)
    def get_account(self, obj) -> dict | None:
        return {"id": str(obj.account.id), "name": obj.account.name} if obj.account else None


class CurrencyAmountSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class StageTotalSerializer(serializers.Serializer):
    stage = serializers.CharField()
    count = serializers.IntegerField()
    amounts = CurrencyAmountSerializer(many=True, help_text="Summed per currency, never converted.")


class PipelineSerializer(serializers.Serializer):
    stages = StageTotalSerializer(many=True, help_text="Open deals (not won, lost or deleted) per open stage.")
    open_count = serializers.IntegerField()
    open_totals = CurrencyAmountSerializer(many=True)
    won = StageTotalSerializer(help_text="Deals that reached `won` within the last `days` days.")
    lost = StageTotalSerializer(help_text="Deals that reached `lost` within the last `days` days.")
    days = serializers.IntegerField()


class StageMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class PipelineStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)


class OverviewSerializer(serializers.Serializer):
    """`crm.selectors.overview`."""

    accounts = serializers.IntegerField()
    pipeline = PipelineStageSerializer(many=True)
    orphans = serializers.IntegerField()
    contacts = serializers.DictField(child=serializers.IntegerField(), help_text="Chatwoot contacts by link status.")


class StageEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    from_stage = serializers.CharField(allow_blank=True)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    source = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField()


class StageMovedSerializer(serializers.Serializer):
    opportunity = OpportunitySerializer()
    stage_event = StageEventSerializer()


class AccountListView(ListAPIView):
    serializer_class = AccountSerializer

    def get_queryset(self):
        return selectors.accounts(project=self.request.project)


@extend_schema(parameters=[query_choice("stage", Stage.values)])
class OpportunityListView(ListAPIView):
    serializer_class = OpportunitySerializer

    def get_queryset(self):
        stage = parse_choice(self.request.query_params.get("stage"), field="stage", choices=Stage.values)
        return selectors.opportunities(project=self.request.project, stage=stage)


class CrmOverviewView(APIView):
    @extend_schema(responses={200: OverviewSerializer})
    def get(self, request):
        return Response(selectors.overview(project=request.project))


class PipelineView(APIView):
    @extend_schema(
        parameters=[
            query_int(
                "days",
                minimum=1,
                maximum=365,
                default=selectors.WON_LOST_DAYS,
                description="The won/lost window in days.",
            )
        ],
        responses={200: PipelineSerializer},
    )
    def get(self, request):
        days = parse_int(request.query_params.get("days"), field="days", minimum=1, maximum=365,
                         default=selectors.WON_LOST_DAYS)  # fmt: skip
        return Response(PipelineSerializer(selectors.pipeline_summary(project=request.project, days=days)).data)


class OpportunityStageView(APIView):
    @extend_schema(
        request=StageMoveSerializer, responses={200: StageMovedSerializer}, parameters=[path_uuid("opportunity_id")]
    )
    @idempotent
    def post(self, request, opportunity_id: str):
        pk = parse_uuid(opportunity_id, field="id")
        opportunity = (
            selectors.live_opportunities(project=request.project).filter(pk=pk).select_related("project").first()
        )
        if opportunity is None:
            raise not_found()
        serializer = StageMoveSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        opportunity, event = opportunity_stage_move(
            opportunity=opportunity,
            stage=serializer.validated_data["stage"],
            reason=serializer.validated_data["reason"],
            actor=request.user,
            request_id=request.request_id,
        )
        return Response(
            {
                "opportunity": OpportunitySerializer(opportunity).data,
                "stage_event": {
                    "id": str(event.id),
                    "from_stage": event.from_stage,
                    "to_stage": event.to_stage,
                    "source": event.source,
                    "reason": event.reason,
                    "occurred_at": event.occurred_at.isoformat(),
                },
            }
        )


# ---------------------------------------------------------------- one client (GET /api/clients/<id>)


class TimelineItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=clients.KINDS)
    at = serializers.DateTimeField(allow_null=True, help_text="When it happened at the source (null if unknown).")
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="The record in its source (blank if unknown).")
    source_id = serializers.CharField(
        help_text="The source's own id: Chatwoot conversation or message, Linear issue or comment, Attio deal or "
        "note; a stage move gives its deal's."
    )


class ClientCountsSerializer(serializers.Serializer):
    """One count per kind of `clients.COUNT_KEYS`."""

    conversations = serializers.IntegerField(min_value=0)
    messages = serializers.IntegerField(min_value=0, help_text="Public messages (no private notes, no activity).")
    issues = serializers.IntegerField(min_value=0)
    comments = serializers.IntegerField(min_value=0)
    deals = serializers.IntegerField(min_value=0)
    notes = serializers.IntegerField(min_value=0)
    stage_moves = serializers.IntegerField(min_value=0)


class ClientLatestSerializer(serializers.Serializer):
    """The newest item of each kind of `clients.COUNT_KEYS`, or null."""

    conversations = TimelineItemSerializer(allow_null=True)
    messages = TimelineItemSerializer(allow_null=True)
    issues = TimelineItemSerializer(allow_null=True)
    comments = TimelineItemSerializer(allow_null=True)
    deals = TimelineItemSerializer(allow_null=True)
    notes = TimelineItemSerializer(allow_null=True)
    stage_moves = TimelineItemSerializer(allow_null=True)


class ClientAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrmAccount
        fields = ["id", "source_system", "external_ref", "name", "domain", "web_url"]


class TimelinePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TimelineItemSerializer(many=True)


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["client", "contact", "deal", "linear_project", "issue", "conversation"])
    name = serializers.CharField(allow_blank=True)


class GraphEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    type = serializers.CharField()


class NeighbourhoodSerializer(serializers.Serializer):
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)


class ClientSerializer(serializers.Serializer):
    account = ClientAccountSerializer()
    counts = ClientCountsSerializer(help_text="Records per kind (private notes and activity lines never count).")
    latest = ClientLatestSerializer(help_text="The newest timeline item of each kind, or null.")
    timeline = TimelinePageSerializer(help_text="Newest first, paginated with `page` and `page_size`.")
    neighbourhood = NeighbourhoodSerializer(help_text="The client's knowledge-graph neighbourhood.")


TIMELINE_PAGE = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "default": 1}, description="Timeline page."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": StandardPagination.max_page_size,
         "default": StandardPagination.page_size},
        description="Timeline items per page.",
    ),
]  # fmt: skip


class ClientView(APIView):
    @extend_schema(
        responses={200: ClientSerializer},
        parameters=[path_uuid("account_id", "The CRM account's id."), *TIMELINE_PAGE],
    )
    def get(self, request, account_id: str):
        # Any id that names no account of the project is a 404, a malformed one too: a client is looked up,
        # not validated (nothing is asked of a source with it).
        account = clients.client_account(project=request.project, account_id=account_id)
        if account is None:
            raise not_found()
        activity = clients.client_activity(project=request.project, account=account)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(activity["timeline"], request, view=self)
        timeline = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": page,
        }
        body = {
            "account": account,
            "counts": activity["counts"],
            "latest": activity["latest"],
            "timeline": timeline,
            "neighbourhood": clients.client_neighbourhood(project=request.project, account=account),
        }
        return Response(ClientSerializer(body).data)
