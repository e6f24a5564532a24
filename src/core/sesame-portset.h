/* sesame-portset.h: IPv4 over IPv6 — the MAP-E port set and DS-Lite
 *
 * Most Japanese fibre lines reach IPv4 over IPv6 (IPoE). With MAP-E
 * (RFC 7597: v6プラス, OCN バーチャルコネクト, BIGLOBE IPv6オプション) the
 * IPv4 address is shared and only a set of ports can be forwarded; with
 * DS-Lite (transix, クロスパス, v6コネクト) no IPv4 port can be forwarded at
 * all. Which one a line uses, and which ports are its own, follows from its
 * IPv6 address and the provider's rule table (data/transition/rules.json,
 * each rule with its source and `uncertain` where it is not confirmed).
 *
 * Everything here is pure: no I/O beyond the table built into Sesame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sesame-port-range.h"

G_BEGIN_DECLS

#define SESAME_PORTSET_ERROR (sesame_portset_error_quark ())

typedef enum
{
  SESAME_PORTSET_ERROR_INVALID,      /* the rule table is not valid */
  SESAME_PORTSET_ERROR_NOT_IPV6,     /* the text is not an IPv6 address or prefix */
  SESAME_PORTSET_ERROR_TOO_SHORT,    /* the prefix holds only part of the EA bits */
} SesamePortsetError;

/* The nicks (sesame-core-enums.h) are the strings of the JSON contract */
typedef enum
{
  SESAME_TRANSITION_NONE,     /*< nick=none >*/
  SESAME_TRANSITION_MAP_E,    /*< nick=map-e >*/
  SESAME_TRANSITION_DS_LITE,  /*< nick=ds-lite >*/
} SesameTransition;

/* An IPv6 address (length 128) or prefix; the bits past @length are zero */
typedef struct
{
  guint8 bytes[16];
  guint  length;
} SesameIpv6Prefix;

/* One MAP-E Basic Mapping Rule (RFC 7597 §5) */
typedef struct
{
  SesameIpv6Prefix  ipv6;          /* rule IPv6 prefix */
  guint32           ipv4;          /* rule IPv4 prefix, host order */
  guint             ipv4_length;
  guint             ea_bits;       /* EA-bits length: IPv4 suffix bits + PSID length */
  guint             psid_length;   /* k */
  guint             psid_offset;   /* a */
} SesameMapRule;

/* What a line's IPv6 address says about its IPv4. When @method is MAP_E
 * and @rule_known, the address, PSID and ports are this line's own; when
 * the provider is known but its rule for this address is not in the
 * table, @rule_known is FALSE and @ports is empty. */
typedef struct
{
  SesameTransition  method;
  char             *provider_id;   /* nullable: NULL when method is NONE */
  char             *provider;      /* nullable: the provider's name, as it calls itself */
  char             *source;        /* nullable: where the rule (or prefix) is published */
  gboolean          uncertain;     /* the rule is not confirmed by two sources */
  gboolean          rule_known;
  SesameMapRule     rule;          /* set when rule_known */
  guint32           ipv4;          /* host order; set when rule_known */
  guint             psid;
  GArray           *ports;         /* element-type SesamePortRange, ascending; never NULL */
  guint             port_count;
} SesamePortset;

typedef struct _SesameTransitionTable SesameTransitionTable;

GQuark                 sesame_portset_error_quark            (void);

gboolean               sesame_ipv6_prefix_parse              (const char             *text,
                                                              SesameIpv6Prefix       *prefix);
char                  *sesame_ipv6_prefix_to_string          (const SesameIpv6Prefix *prefix);
gboolean               sesame_ipv6_prefix_contains           (const SesameIpv6Prefix *outer,
                                                              const SesameIpv6Prefix *inner);

SesameTransitionTable *sesame_transition_table_new_from_bytes (GBytes                *json,
                                                              GError               **error);
SesameTransitionTable *sesame_transition_table_load_default  (GError                **error);
void                   sesame_transition_table_free          (SesameTransitionTable  *table);
SesamePortset         *sesame_transition_table_lookup        (SesameTransitionTable  *table,
                                                              const SesameIpv6Prefix *prefix,
                                                              GError                **error);

GArray                *sesame_map_rule_port_set              (guint                   psid_offset,
                                                              guint                   psid_length,
                                                              guint                   psid);
guint                  sesame_map_rule_port_count            (guint                   psid_offset,
                                                              guint                   psid_length);

SesamePortset         *sesame_portset_lookup_text            (const char             *text,
                                                              GError                **error);
void                   sesame_portset_free                   (SesamePortset          *portset);
gboolean               sesame_portset_contains               (const SesamePortset    *portset,
                                                              guint16                 port);
gboolean               sesame_portset_contains_range         (const SesamePortset    *portset,
                                                              const SesamePortRange  *range);
char                  *sesame_portset_ipv4_to_string         (const SesamePortset    *portset);
char                  *sesame_portset_ports_to_string        (const SesamePortset    *portset,
                                                              guint                   max_ranges);
JsonNode              *sesame_portset_to_json_node           (const SesamePortset    *portset);

const char            *sesame_transition_to_string           (SesameTransition        method);
gboolean               sesame_transition_from_string         (const char             *text,
                                                              SesameTransition       *method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameTransitionTable, sesame_transition_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesamePortset, sesame_portset_free)

G_END_DECLS
