"""CRM endpoints: accounts, opportunities (by stage), overview, the pipeline summary, and moving a deal's stage
by hand."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import invalid_input, not_found
from core.api.fields import StrictCharField
from core.api.idempotency import idempotent
from core.api.schema import path_uuid, query_choice, query_int
from core.api.validation import parse_choice, parse_int, parse_uuid
from crm import selectors
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
