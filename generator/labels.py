"""The words of the generated pages, in the config's language (en or fr)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "home": ("Reliability at a glance", "La fiabilité en un coup d'œil"),
    "period": ("Last 90 days, {start} to {end}, against the 90 days before.",
               "90 derniers jours, du {start} au {end}, comparés aux 90 jours précédents."),
    "incidents": ("Incidents", "Incidents"),
    "before": ("before: {value}", "avant : {value}"),
    "mttd": ("MTTD", "MTTD"),
    "mttr": ("MTTR", "MTTR"),
    "median": ("median {value}", "médiane {value}"),
    "recurrence": ("Recurrence rate", "Taux de récurrence"),
    "open_actions": ("Open actions", "Actions ouvertes"),
    "overdue": ("overdue", "en retard"),
    "availability_month": ("Availability in {month}", "Disponibilité en {month}"),
    "latest": ("Latest post-mortems", "Derniers post-mortems"),
    "all_postmortems": ("All post-mortems", "Tous les post-mortems"),
    "years": ("By year", "Par année"),
    "year_title": ("Post-mortems of {year}", "Post-mortems de {year}"),
    "date": ("Date", "Date"),
    "title": ("Title", "Titre"),
    "severity": ("Severity", "Sévérité"),
    "services": ("Services", "Services"),
    "service": ("Service", "Service"),
    "duration": ("Duration", "Durée"),
    "root_cause": ("Root cause", "Cause racine"),
    "status": ("Status", "Statut"),
    "team": ("Team", "Équipe"),
    "slo": ("SLO", "SLO"),
    "availability": ("Availability", "Disponibilité"),
    "budget_left": ("Error budget left", "Budget d'erreur restant"),
    "budget_burned": ("Error budget burned", "Budget d'erreur consommé"),
    "downtime": ("Downtime", "Indisponibilité"),
    "month": ("Month", "Mois"),
    "started": ("Started", "Début"),
    "ttd": ("Time to detect", "Délai de détection"),
    "ttm": ("Time to mitigate", "Délai d'atténuation"),
    "ttr": ("Time to resolve", "Délai de résolution"),
    "roles": ("Roles", "Rôles"),
    "incident_commander": ("Incident commander", "Responsable d'incident"),
    "technical_owner": ("Technical owner", "Responsable technique"),
    "communications_owner": ("Communications owner", "Responsable communication"),
    "impact": ("Impact", "Impact"),
    "users_affected": ("Users affected", "Utilisateurs touchés"),
    "failed_requests_pct": ("Failed requests", "Requêtes en échec"),
    "revenue_lost": ("Revenue lost", "Chiffre d'affaires perdu"),
    "support_tickets": ("Support tickets", "Tickets support"),
    "sla_breached": ("SLA breached", "SLA non respecté"),
    "downtime_minutes": ("Downtime counted", "Indisponibilité comptée"),
    "yes": ("yes", "oui"),
    "no": ("no", "non"),
    "tags": ("Tags", "Étiquettes"),
    "detection": ("Detection", "Détection"),
    "edit": ("Edit this page", "Modifier cette page"),
    "draft_banner": ("Draft: this post-mortem is still being written; its figures are not counted yet.",
                     "Brouillon : ce post-mortem est en cours d'écriture ; ses chiffres ne sont pas encore comptés."),
    "review_banner": ("In review: this post-mortem may still change.",
                      "En relecture : ce post-mortem peut encore changer."),
    "actions": ("Actions", "Actions"),
    "action": ("Action", "Action"),
    "owner": ("Owner", "Propriétaire"),
    "due": ("Due", "Échéance"),
    "ticket": ("Ticket", "Ticket"),
    "postmortem": ("Post-mortem", "Post-mortem"),
    "overdue_flag": ("overdue", "en retard"),
    "related": ("Related post-mortems", "Post-mortems liés"),
    "related_explicit": ("Listed by the authors", "Cités par les auteurs"),
    "related_detected": ("Same service and root cause within 30 days",
                         "Même service et même cause à moins de 30 jours"),
    "none": ("None.", "Aucun."),
    "no_incidents": ("No incidents.", "Aucun incident."),
    "open_actions_of": ("Open actions", "Actions ouvertes"),
    "incidents_of": ("Incidents", "Incidents"),
    "monthly_availability": ("Monthly availability against the SLO", "Disponibilité mensuelle face au SLO"),
    "budget_this_month": ("Error budget left in {month}: {left} of {budget} ({percent}).",
                          "Budget d'erreur restant en {month} : {left} sur {budget} ({percent})."),
    "services_title": ("Services", "Services"),
    "severities_title": ("Severities", "Sévérités"),
    "causes_title": ("Root causes", "Causes racines"),
    "tags_title": ("Tags", "Étiquettes"),
    "severity_title": ("{severity} post-mortems", "Post-mortems {severity}"),
    "cause_title": ("Root cause: {cause}", "Cause racine : {cause}"),
    "tag_title": ("Tag: {tag}", "Étiquette : {tag}"),
    "trends": ("Trends", "Tendances"),
    "trends_intro": ("By month, {start} to {end}. Each chart's figures are in the table beneath it.",
                     "Par mois, de {start} à {end}. Les chiffres de chaque graphique sont dans le tableau en dessous."),
    "chart_incidents": ("Incidents by severity", "Incidents par sévérité"),
    "chart_times": ("Time to detect and to resolve (means, minutes)", "Délais de détection et de résolution (moyennes, minutes)"),
    "chart_recurrence": ("Recurrence rate", "Taux de récurrence"),
    "chart_causes": ("Root causes", "Causes racines"),
    "chart_budget": ("Error budget burned per service (% of the month's budget)",
                     "Budget d'erreur consommé par service (% du budget du mois)"),
    "actions_title": ("Corrective actions", "Actions correctives"),
    "actions_intro": ("Every corrective action of every post-mortem. Overdue: open or in progress, and due before {today}.",
                      "Toutes les actions correctives. En retard : ouverte ou en cours, et due avant le {today}."),
    "filter_owner": ("Owner", "Propriétaire"),
    "filter_team": ("Team", "Équipe"),
    "filter_all": ("all", "tous"),
    "group_overdue": ("Overdue", "En retard"),
    "group_open": ("Open", "Ouvertes"),
    "group_done": ("Done", "Terminées"),
    "owners": ("Owners", "Propriétaires"),
    "owner_title": ("Actions of {owner}", "Actions de {owner}"),
    "report_title": ("Last 90 days", "Les 90 derniers jours"),
    "report_intro": ("The incidents started from {start} to {end}: what broke, how fast we recovered, why, and "
                     "where to act first.",
                     "Les incidents survenus du {start} au {end} : ce qui a cassé, en combien de temps, pourquoi, "
                     "et où agir en premier."),
    "frequency": ("Frequency", "Fréquence"),
    "per_month": ("{value} per 30 days", "{value} par 30 jours"),
    "causes_period": ("Causes", "Causes"),
    "top_areas": ("The three areas that cost the most downtime", "Les trois zones les plus coûteuses en indisponibilité"),
    "area": ("Area", "Zone"),
    "kind_service": ("service", "service"),
    "kind_cause": ("root cause", "cause racine"),
    "search": ("Search", "Recherche"),
    "search_intro": ("Search every post-mortem: titles, timelines, root causes, lessons.",
                     "Chercher dans tous les post-mortems : titres, chronologies, causes, enseignements."),
    "count": ("Count", "Nombre"),
    "browse": ("Browse by", "Parcourir par"),
    "reference": ("Reference", "Référence"),
    "reference_pages": (
        "[Metrics](metrics.md): how every figure is computed · [Format](format.md): the post-mortem format · "
        "[Rules](rules.md): every check with its code · [Command line](cli.md): every command · "
        "[JSON Schema](schema/postmortem.schema.json) of the front matter",
        "[Indicateurs](metrics.md) : le calcul de chaque chiffre · [Format](format.md) : le format des post-mortems · "
        "[Règles](rules.md) : chaque vérification et son code · [Ligne de commande](cli.md) : chaque commande · "
        "[Schéma JSON](schema/postmortem.schema.json) du front matter"),
}

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
}


class Labels:
    """`labels("key", value=...)`: the text of `key` in the language, with its fields filled."""

    def __init__(self, language: str):
        self.index = 0 if language == "en" else 1
        self.language = language

    def __call__(self, key: str, **fields) -> str:
        return LABELS[key][self.index].format(**fields)

    def month(self, key: str) -> str:
        """`2026-03` -> `March 2026`."""
        return f"{MONTHS[self.language][int(key[5:]) - 1]} {key[:4]}"
