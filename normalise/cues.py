"""Language data for the cleaner: cue phrases, credit patterns, dates and stop words.

Everything language-specific the block classifier knows lives here, keyed by
language code, so a new source language means new rows, not new code. Cues
are written as regular-expression fragments matched case-insensitively at a
word boundary; a cue says what a line *looks like*, and the rules in
:mod:`passerelle.normalise.block_rules` combine it with length, punctuation, language and neighbours
before anything is dropped.

French is the source language; English and Spanish are here because scraped
French news carries English site chrome (agency pages, EU sites) and Spanish
captions and footers (Latin-American and Spanish syndication).
"""

from __future__ import annotations

# --- Languages a block or a segment may be recognised as. French is the source; English and
# Spanish are the chrome and captions it carries; German, Italian, Portuguese and Catalan are
# the neighbours whose syndicated captions and footers turn up. Anything else falls to the
# nearest of these or to ``und``.
CANDIDATE_LANGUAGES: tuple[str, ...] = ("fr", "en", "es", "de", "it", "pt", "ca")

# --- Share prompts: a short line that only asks the reader to share or print.
SHARE_CUES: dict[str, tuple[str, ...]] = {
    "fr": (
        r"partager", r"partagez", r"partage", r"imprimer", r"envoyer (?:à un ami|par (?:e-?mail|courriel))",
        r"réagir", r"commenter", r"tweeter", r"s'abonner", r"abonnez-vous",
    ),
    "en": (r"share", r"tweet", r"print(?: this)?", r"e-?mail this", r"subscribe", r"follow us"),
    "es": (r"compartir", r"comparte", r"imprimir", r"suscríbete", r"síguenos"),
}

# Names of social networks: a line made only of these is a share bar.
SOCIAL_NETWORKS: tuple[str, ...] = (
    "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "reddit", "pinterest",
    "instagram", "youtube", "tiktok", "e-mail", "email", "courriel", "messenger", "flipboard",
)

# --- Related links: a line that opens with one of these points to another article.
RELATED_CUES: dict[str, tuple[str, ...]] = {
    "fr": (
        r"en savoir plus", r"lire aussi", r"à lire aussi", r"a lire aussi", r"à lire", r"lire la suite",
        r"voir aussi", r"à voir aussi", r"sur le même sujet", r"articles? (?:liés|similaires|connexes)",
        r"pour aller plus loin", r"pour approfondir", r"à découvrir", r"dans la même rubrique", r"plus d'articles",
    ),
    "en": (r"read more", r"related(?: articles?| stories| links)?", r"see also", r"more on this", r"recommended"),
    "es": (r"lee también", r"leer más", r"más información", r"te puede interesar", r"noticias relacionadas"),
}

# --- Subscription, paywall and newsletter prompts: (cue, weight), 2 or more is a prompt.
# Weight 1 cues also appear in news about newspapers and newsletters.
PROMO_CUES: dict[str, tuple[tuple[str, int], ...]] = {
    "fr": (
        (r"abonnez-vous", 2), (r"inscrivez-vous", 2), (r"déjà abonné(?:e)?", 2), (r"articles? gratuits?", 2),
        (r"en illimité", 2), (r"votre adresse (?:e-?mail|de messagerie|électronique|courriel)", 2),
        (r"dans votre boîte (?:mail|aux lettres|de réception)", 2), (r"recevez nos", 2), (r"profitez (?:de|du)", 1),
        (r"newsletters?", 1), (r"lettres? d'information", 1), (r"abonnements?", 1), (r"s'inscrire", 1),
        # Paywalls: what a reader must do to read on.
        (r"pour (?:lire|continuer à lire|poursuivre) la suite", 2), (r"réservée? aux abonnés", 2),
        (r"\d+ articles? (?:gratuits? )?par mois", 2), (r"créez(?:-vous)? (?:votre|un) compte", 1),
    ),
    "en": ((r"subscribe (?:now|today|to)", 2), (r"sign up for", 2), (r"free articles?", 2), (r"newsletters?", 1)),
    "es": ((r"suscríbete", 2), (r"suscribirse", 2), (r"boletín", 1)),
}

# --- Source lines: the labels that introduce where an article was taken from.
SOURCE_LABELS: dict[str, tuple[str, ...]] = {
    "fr": (r"source", r"sources", r"la source originale de cet article est", r"article original", r"publié (?:initialement|à l'origine) (?:par|sur|dans)"),
    "en": (r"source", r"sources", r"originally published (?:by|on|in)"),
    "es": (r"fuente", r"fuentes"),
}

# --- Bylines: labels that introduce the author's name.
BYLINE_LABELS: dict[str, tuple[str, ...]] = {
    "fr": (r"par", r"articles? par", r"auteur", r"auteurs", r"propos recueillis par", r"de notre (?:correspondant|envoyé spécial)e?", r"rédigé par", r"signé"),
    "en": (r"by", r"written by", r"author", r"reporting by", r"editing by"),
    "es": (r"por", r"escrito por", r"autor", r"autora"),
}

# --- Taxonomy labels: ``Région : Asie``, ``Thème: Militarisation``, ``Tags: …``.
TAXONOMY_LABELS: dict[str, tuple[str, ...]] = {
    "fr": (r"régions?", r"thèmes?", r"mots[- ]clés?", r"tags?", r"catégories?", r"rubriques?", r"sujets?", r"dossiers?", r"pays", r"section"),
    "en": (r"topics?", r"categories", r"category", r"tags?", r"keywords", r"filed under", r"region", r"themes?"),
    "es": (r"temas?", r"etiquetas?", r"categorías?", r"sección", r"palabras clave"),
}

# --- Navigation words: a very short line made of these is site chrome.
NAVIGATION_WORDS: dict[str, tuple[str, ...]] = {
    "fr": (
        "accueil", "menu", "rechercher", "recherche", "connexion", "se connecter", "déconnexion", "inscription",
        "newsletter", "infos", "actualités", "à la une", "en continu", "l'info en continu", "direct", "vidéos",
        "tv", "radio", "podcasts", "retour", "haut de page", "suivant", "précédent", "plan du site", "fermer",
    ),
    "en": (
        "home", "menu", "search", "login", "log in", "sign in", "sign up", "logout", "newsletter", "news", "top",
        "back", "next", "previous", "close", "skip to content", "go to content", "sitemap", "footer", "sidebar",
        "side bar", "header", "more", "rss", "info",
    ),
    "es": ("inicio", "menú", "buscar", "portada", "iniciar sesión", "regístrate", "volver", "siguiente", "anterior"),
}

# --- Where an article ends. A line that is nothing but one of these cues (a heading,
# a counter) opens a section that follows articles: reader comments, which run to the
# end of the page, or the page's tail of teasers and recommendations.
COMMENT_SECTION_CUES: dict[str, tuple[str, ...]] = {
    "fr": (
        r"(?:\d[\d .]*|un|une|aucun)?\s*commentaires?", r"tous (?:les |vos )?commentaires", r"(?:vos |les |\d+ )?réactions?",
        r"réagissez(?: à cet article)?",
        # WordPress puts its "cancel reply" link on the same line.
        r"(?:laisser|laissez|poster|publier|ajouter|écrire|rédiger|déposer) un commentaire(?: annuler la réponse)?",
        r"donnez votre avis", r"(?:\d+ )?réponses?", r"les commentaires sont fermés", r"espace commentaires?",
    ),
    "en": (r"(?:\d+ |no )?comments?", r"leave a (?:comment|reply)", r"post a comment", r"add a comment", r"(?:\d+ )?responses?",
           r"join the (?:discussion|conversation)"),
    "es": (r"(?:\d+ )?comentarios?", r"deja (?:un|tu) comentario", r"escribe un comentario"),
}

# What readers can do to a comment: one of these alone on a line sits under each comment.
COMMENT_ACTIONS: dict[str, tuple[str, ...]] = {
    "fr": (r"répondre(?: à ce (?:message|commentaire))?", r"signaler(?: un abus| ce commentaire)?", r"alerter", r"citer",
           r"j'aime", r"modérer"),
    "en": (r"reply", r"report(?: abuse)?", r"like", r"flag"),
    "es": (r"responder", r"denunciar"),
}

PAGE_TAIL_CUES: dict[str, tuple[str, ...]] = {
    "fr": (
        r"(?:nos |les |d'autres |plus d')?(?:articles?|contenus?|sujets?|infos?|actualités?) (?:liés|similaires|associés|recommandés|connexes|en relation|du même auteur)",
        r"sur le même (?:sujet|thème)", r"dans la même rubrique", r"du même auteur", r"(?:à |a )?lire (?:aussi|également|ensuite)",
        r"(?:à |a )?voir aussi", r"(?:à |a )?écouter aussi", r"vous aimerez (?:aussi|également|peut-être)", r"(?:vous )?(?:pourriez|pouvez) aussi aimer",
        r"(?:articles? |vidéos? )?(?:les )?plus (?:lus|consultés|partagés|commentés|populaires|vus)", r"les \+ lus",
        r"à découvrir(?: aussi| également)?", r"la rédaction vous (?:conseille|recommande)", r"l'auteur vous recommande",
        r"(?:les )?derni(?:ers|ères) (?:articles|actualités|news|infos|vidéos|diffusions|publications)", r"pour aller plus loin",
        r"nos partenaires", r"recommandés? pour vous", r"(?:à|a) suivre", r"vidéo recommandée", r"articles? en relation",
        r"pour approfondir", r"articles? correspondants?",
    ),
    "en": (r"related(?: articles| stories| posts| content)?", r"read (?:more|next|also)", r"more (?:from|on|stories)", r"you may also like",
           r"recommended(?: for you)?", r"most (?:read|popular|viewed|shared)", r"latest (?:news|articles|stories)", r"see also"),
    "es": (r"(?:noticias|artículos) relacionad[oa]s", r"lee también", r"te puede interesar", r"lo más (?:leído|visto)", r"más noticias"),
}

# --- Legal text: (cue, weight). A block whose weights add up to 2 or more is legal.
# Weight 2 cues are notices by themselves; weight 1 cues also occur in ordinary
# news prose (an article about copyright law), so it takes two of them.
LEGAL_CUES: dict[str, tuple[tuple[str, int], ...]] = {
    "fr": (
        (r"copyright", 2),
        (r"tous droits réservés", 2),
        (r"avis de non-responsabilité", 2),
        (r"n'engagent que (?:le|la|les|leurs?) (?:ou les )?auteurs?", 2),
        (r"(?:accorde|donne) (?:la )?permission de reproduire", 2),
        (r"reproduction (?:interdite|totale ou partielle)", 2),
        (r"mentions légales", 2),
        (r"politique de confidentialité", 2),
        (r"conditions (?:générales )?d'utilisation", 2),
        (r"(?:utilise|utilisons) des cookies", 2),
        (r"utilisation (?:de|des) cookies", 2),
        (r"en poursuivant votre navigation", 2),
        (r"droits? d'auteur", 1),
        (r"utilisation équitable", 1),
        (r"à but non lucratif", 1),
        (r"se dégage de toute responsabilité", 2),
        # The credit line of a site's publishing software or theme.
        (r"(?:fourni|propulsé|motorisé|réalisé|créé) (?:par|avec) (?:wordpress|blogger|spip|drupal|joomla|ghost)", 2),
        (r"données personnelles", 1),
    ),
    "en": (
        (r"copyright", 2),
        (r"all rights reserved", 2),
        (r"disclaimer", 2),
        (r"legal notice", 2),
        (r"privacy (?:policy|notice)", 2),
        (r"terms (?:of use|and conditions)", 2),
        (r"(?:uses|use) cookies", 2),
        (r"fair use", 1),
        (r"powered by", 2),
    ),
    "es": (
        (r"derechos reservados", 2),
        (r"aviso legal", 2),
        (r"política de privacidad", 2),
        (r"utiliza(?:mos)? cookies", 2),
    ),
}

# --- Cookie banners: a line that names cookies (or trackers) and speaks as the site to
# its visitor. (cue, weight); a line with a cookie word and 2 or more of these is a banner.
# News about cookies rarely speaks in the site's voice ("vous acceptez", "tout refuser").
COOKIE_WORDS: dict[str, tuple[str, ...]] = {
    "fr": (r"cookies?", r"traceurs?", r"témoins de (?:navigation|connexion)"),
    "en": (r"cookies?", r"trackers?"),
    "es": (r"cookies?", r"galletas"),
}
COOKIE_CUES: dict[str, tuple[tuple[str, int], ...]] = {
    "fr": (
        (r"(?:nous|ce site|notre site|le site|nos partenaires)(?: et (?:les|des|nos) (?:tiers|partenaires))? (?:utilis|dépos)\w*", 1),
        (r"(?:vous|votre) (?:acceptez|refusez|consentement|navigation|choix|appareil|terminal|expérience)", 1),
        (r"en (?:poursuivant|continuant) (?:votre|la) navigation", 2),
        (r"(?:paramétrer|gérer|personnaliser|modifier) (?:mes|vos|les) (?:choix|cookies|préférences|paramètres)", 2),
        (r"tout (?:accepter|refuser)", 2), (r"(?:ok|j'accepte|accepter et fermer)", 1),
        (r"(?:en savoir plus sur|politique (?:de|des|relative aux)) (?:les |nos )?cookies", 2),
        (r"mesures? d'audience", 1), (r"statistiques de (?:fréquentation|visite)", 1),
        (r"cookies (?:strictement nécessaires|techniques|de (?:mesure|partage|session|publicité))", 2),
        (r"données personnelles", 1), (r"consentement", 1), (r"à des fins (?:de|publicitaires|statistiques)", 1),
    ),
    "en": (
        (r"we use", 1), (r"(?:you|your) (?:accept|agree|consent|browsing|experience|device)", 1),
        (r"by continuing to (?:browse|use)", 2), (r"(?:manage|customi[sz]e) (?:your )?(?:preferences|settings|choices)", 2),
        (r"accept all", 2), (r"reject all", 2), (r"cookie (?:policy|settings|preferences)", 2), (r"personal data", 1),
    ),
    "es": ((r"utilizamos", 1), (r"acepta(?:s|r)?", 1), (r"política de cookies", 2), (r"configurar", 1)),
}

# --- Media contacts: a contact label, which the rule pairs with an address or number.
CONTACT_CUES: dict[str, tuple[str, ...]] = {
    "fr": (r"contact(?:s)?(?: (?:média|médias|presse))?", r"contactez(?:-nous)?", r"pour (?:plus d'|de plus amples )informations", r"renseignements", r"tél(?:éphone)?\.?", r"courriel", r"attaché(?:e)? de presse"),
    "en": (r"contacts?", r"media contacts?", r"press contacts?", r"for (?:more|further) information", r"phone", r"tel\.?", r"inquiries"),
    "es": (r"contacto", r"contacte", r"teléfono", r"correo"),
}

# --- Photo credits. Agencies and wire services that sign photos and dispatches.
AGENCIES: tuple[str, ...] = (
    "AFP", "AP", "Reuters", "EPA", "Getty Images", "Getty", "Sputnik", "TASS", "Xinhua", "ANSA", "DPA",
    "Belga", "Anadolu", "Bloomberg", "Shutterstock", "iStock", "Abaca", "Sipa", "Maxppp", "Hans Lucas",
    "Wikimedia Commons", "Wikipedia", "Unsplash", "AsiaTimes", "Military Watch", "Kremlin.ru",
)

# Words that introduce a credit inside or after a caption.
CREDIT_LABELS: dict[str, tuple[str, ...]] = {
    "fr": (r"photo", r"photos", r"crédits?(?: photo)?", r"illustration", r"image", r"source photo", r"vidéo"),
    "en": (r"photo", r"photos", r"credits?", r"image", r"picture", r"file photo"),
    "es": (r"foto", r"fotos", r"imagen", r"crédito"),
}

# --- Dates: month names per language, used to recognise datelines.
MONTHS: dict[str, tuple[str, ...]] = {
    "fr": ("janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout",
           "septembre", "octobre", "novembre", "décembre", "decembre", "janv", "févr", "avr", "juil", "sept", "oct", "nov", "déc"),
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}

# Words that introduce a date in a dateline (``Publié le 3 mai 2023``, `` date 2023-08``).
DATE_LABELS: dict[str, tuple[str, ...]] = {
    "fr": (r"date", r"publié le", r"mis à jour le", r"modifié le", r"le"),
    "en": (r"date", r"published(?: on)?", r"updated(?: on)?", r"last update(?:d)?:?", r"posted(?: on)?"),
    "es": (r"fecha", r"publicado(?: el)?", r"actualizado(?: el)?"),
}

# Weekday names, which datelines often carry before the date.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}

# --- Stop words: the commonest function words. Their density tells running prose
# from chrome (menus and labels have almost none) in the source language.
STOP_WORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        "le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont où ce cet cette ces "
        "il ils elle elles on nous vous je j tu me m te t se s lui leur leurs son sa ses mon ma mes ton ta tes notre "
        "nos votre vos y en ne n pas plus est sont a ont été être avoir fait sur sous dans par pour avec sans entre "
        "vers chez comme si aussi très tout tous toute toutes même après avant depuis pendant lors selon contre".split()
    ),
    "en": frozenset(
        "the a an and or but so of to in on at by for with from as is are was were be been being has have had "
        "it its this that these those he she they we you i his her their our your not no do does did will would "
        "can could should may might than then there here which who whom what when where while about after before".split()
    ),
    "es": frozenset(
        "el la los las un una unos unas y o pero de del al a en por para con sin sobre entre que quien como cuando "
        "donde es son fue fueron ser estar está están ha han había se su sus lo le les nos mi mis tu tus muy más "
        "también ya no sí este esta estos estas ese esa eso hasta desde durante según".split()
    ),
}
