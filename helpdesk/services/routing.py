"""Which team gets a new ticket: category skill and ERP skill first."""

from helpdesk.models import Category, Team


def route_team(*, category: Category, erp_system: str, teams: "list[Team] | None" = None) -> Team | None:
    """Prefer a team skilled in both the category and the ERP system, then the category's
    default team, then any team skilled in the category, then in the ERP system.

    Teams are few (tens), so scoring them in Python is cheaper than a clever query. `teams`
    (with their categories prefetched, in pk order) may come from a cache; else they are read.
    """
    if teams is None:
        teams = list(Team.objects.prefetch_related("categories").order_by("pk"))
    if not teams:
        return None

    def score(team: Team) -> tuple[int, int, int]:
        knows_category = any(c.pk == category.pk for c in team.categories.all())
        knows_erp = bool(erp_system) and erp_system in (team.erp_systems or [])
        is_default = team.pk == category.default_team_id
        return (knows_category and knows_erp, is_default, knows_category * 2 + knows_erp)

    best = max(teams, key=score)
    if score(best) == (False, False, 0):
        return category.default_team or teams[0]
    return best
