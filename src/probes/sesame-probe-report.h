/* sesame-probe-report.h: what the probes found, each finding with its source or its reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sesame-portset.h"

G_BEGIN_DECLS

#define SESAME_PROBE_REPORT_VERSION 1

typedef enum
{
  SESAME_TRISTATE_UNKNOWN = -1,
  SESAME_TRISTATE_NO = 0,
  SESAME_TRISTATE_YES = 1,
} SesameTristate;

typedef enum
{
  SESAME_NAT_MAPPING_UNKNOWN,
  SESAME_NAT_MAPPING_NO_NAT,
  SESAME_NAT_MAPPING_ENDPOINT_INDEPENDENT,
  SESAME_NAT_MAPPING_ADDRESS_DEPENDENT,
  SESAME_NAT_MAPPING_ADDRESS_AND_PORT_DEPENDENT,
} SesameNatMapping;

typedef enum
{
  SESAME_NAT_FILTERING_UNKNOWN,
  SESAME_NAT_FILTERING_ENDPOINT_INDEPENDENT,
  SESAME_NAT_FILTERING_ADDRESS_DEPENDENT,
  SESAME_NAT_FILTERING_ADDRESS_AND_PORT_DEPENDENT,
} SesameNatFiltering;

typedef enum
{
  SESAME_NAT_CLASSIC_UNKNOWN,
  SESAME_NAT_CLASSIC_OPEN_INTERNET,
  SESAME_NAT_CLASSIC_FULL_CONE,
  SESAME_NAT_CLASSIC_RESTRICTED_CONE,
  SESAME_NAT_CLASSIC_PORT_RESTRICTED_CONE,
  SESAME_NAT_CLASSIC_SYMMETRIC,
  SESAME_NAT_CLASSIC_SYMMETRIC_UDP_FIREWALL,
  SESAME_NAT_CLASSIC_UDP_BLOCKED,
} SesameNatClassic;

typedef enum
{
  SESAME_MAPPING_STATE_UNKNOWN,
  SESAME_MAPPING_STATE_PRESENT,
  SESAME_MAPPING_STATE_ABSENT,
  SESAME_MAPPING_STATE_WRONG_HOST,
} SesameMappingState;

typedef enum
{
  SESAME_REACHABILITY_UNKNOWN,
  SESAME_REACHABILITY_OPEN,
  SESAME_REACHABILITY_REFUSED,
  SESAME_REACHABILITY_FILTERED,
} SesameReachability;

typedef struct
{
  char  *name;
  GStrv  ipv4;                 /* "192.168.11.5/24" */
  GStrv  ipv6;
  gboolean up;
  gboolean loopback;
} SesameInterface;

/* One way of learning the external address, and what it gave */
typedef struct
{
  char  *method;               /* stun, http, upnp, natpmp, pcp */
  char  *server;
  char  *address;              /* nullable */
  char  *error;                /* nullable: why there is no address */
  gint64 elapsed_ms;
  guint16 port;                /* STUN: the mapped port; 0 when unknown or not STUN */
} SesameAddressSource;

/* One global IPv6 address of this computer (/proc/net/if_inet6) */
typedef struct
{
  char     *address;           /* "240b:10:1234:5600::5" */
  guint     prefix_length;
  char     *interface;
  gboolean  temporary;         /* a privacy address (RFC 8981): changes every day or so */
  gboolean  deprecated;        /* its preferred lifetime is over */
} SesameIpv6Address;

typedef struct
{
  char    *protocol;           /* tcp, udp */
  guint16  external_port;
  char    *internal_address;
  guint16  internal_port;
  char    *description;
  guint32  lease;              /* seconds; 0 = permanent */
} SesameRouterMapping;

/* A port mapping Sesame itself added on the router, over UPnP IGD, NAT-PMP
 * or PCP: it lasts until its lease ends (or the router restarts), unlike a
 * forwarding row entered on the router by hand */
typedef struct
{
  char    *protocol;           /* tcp, udp */
  guint16  external_port;
  char    *internal_address;   /* nullable */
  guint16  internal_port;
  char    *via;                /* upnp, natpmp, pcp */
  guint32  lease;              /* seconds the router granted; 0: no end */
  gint64   ends;               /* Unix time the lease ends; 0: no end */
} SesameAddedMapping;

typedef struct
{
  char               *protocol;
  guint16             port;
  SesameTristate      listening;
  SesameMappingState  router_mapping;
  SesameReachability  reachable;
  char               *reason;  /* nullable */
  char               *checked_by;         /* nullable: the check service that verified it */
  gboolean            temporary_listener; /* Sesame listened there itself for the check */
} SesamePortFinding;

typedef struct
{
  gint64              elapsed_ms;
  char               *finished_at;       /* nullable: ISO 8601 time the probe ended */

  /* Local network */
  char               *local_address;     /* nullable */
  char               *gateway;           /* nullable */
  char               *gateway_mac;       /* nullable: the router's hardware address */
  char               *subnet;            /* nullable: "192.168.11.0/24" */
  GPtrArray          *interfaces;        /* element-type SesameInterface */
  char               *local_reason;      /* nullable */

  /* External address */
  char               *external_ipv4;     /* nullable */
  GPtrArray          *external_sources;  /* element-type SesameAddressSource */

  /* NAT behaviour */
  SesameNatMapping    mapping;
  SesameNatFiltering  filtering;
  SesameNatClassic    classic;
  SesameTristate      hairpinning;
  char               *nat_reason;        /* nullable */
  gint64              nat_elapsed_ms;

  /* Can this router's forwarding reach the internet? */
  SesameTristate      double_nat;
  SesameTristate      cgnat;
  char               *wan_address;       /* nullable */
  char               *access_reason;     /* nullable */
  GPtrArray          *hops;              /* element-type utf8: first routers beyond the gateway */

  /* Router */
  gboolean            upnp_found;
  char               *upnp_manufacturer;
  char               *upnp_model;
  char               *upnp_model_number;
  char               *upnp_friendly_name;
  char               *upnp_udn;
  char               *upnp_host;         /* nullable: the IGD's address */
  gboolean            upnp_is_gateway;   /* the IGD is the default gateway itself */
  char               *upnp_catalog_id;
  char               *upnp_external_address;
  char               *upnp_error;
  GPtrArray          *upnp_mappings;     /* element-type SesameRouterMapping */
  GPtrArray          *added_mappings;    /* element-type SesameAddedMapping: Sesame's own ("sesame_mappings") */
  gboolean            natpmp_found;
  char               *natpmp_external_address;
  char               *natpmp_error;
  gboolean            pcp_found;
  char               *pcp_external_address;
  char               *pcp_error;

  GPtrArray          *ports;             /* element-type SesamePortFinding */
  GPtrArray          *servers_contacted; /* element-type utf8 */

  /* IPv6: this computer's global addresses, what they say about the
   * line's IPv4 (MAP-E, DS-Lite) and whether the ports answer over IPv6 */
  GPtrArray          *ipv6_addresses;    /* element-type SesameIpv6Address: global ones only */
  char               *ipv6_address;      /* nullable: the stable one to publish (AAAA) */
  SesamePortset      *transition;        /* nullable: NULL without a global IPv6 address */
  SesameTristate      transition_agrees; /* STUN saw the computed IPv4 address and ports in the set */
  char               *transition_reason; /* nullable: what the comparison found */
  GPtrArray          *ipv6_ports;        /* element-type SesamePortFinding: checked over IPv6 */
  char               *ipv6_reason;       /* nullable: why the ports were not checked over IPv6 */
} SesameProbeReport;

SesameProbeReport   *sesame_probe_report_new            (void);
void                 sesame_probe_report_free           (SesameProbeReport       *report);
char                *sesame_probe_report_to_json        (const SesameProbeReport *report);
JsonNode            *sesame_probe_report_to_json_node   (const SesameProbeReport *report);
SesameProbeReport   *sesame_probe_report_new_from_json  (GBytes                  *json,
                                                         GError                 **error);
GPtrArray           *sesame_probe_report_router_changes (const SesameProbeReport *before,
                                                         const SesameProbeReport *now);

SesameAddressSource *sesame_probe_report_add_source     (SesameProbeReport       *report,
                                                         const char              *method,
                                                         const char              *server);
void                 sesame_probe_report_add_server     (SesameProbeReport       *report,
                                                         const char              *server);
SesamePortFinding   *sesame_probe_report_add_port       (SesameProbeReport       *report,
                                                         const char              *protocol,
                                                         guint16                  port);
SesamePortFinding   *sesame_probe_report_add_ipv6_port  (SesameProbeReport       *report,
                                                         const char              *protocol,
                                                         guint16                  port);
void                 sesame_probe_report_set_ipv6_addresses (SesameProbeReport  *report,
                                                         GPtrArray               *addresses);
void                 sesame_probe_report_add_interface  (SesameProbeReport       *report,
                                                         SesameInterface         *interface);
void                 sesame_probe_report_add_mapping    (SesameProbeReport       *report,
                                                         SesameRouterMapping     *mapping);
void                 sesame_probe_report_add_added_mapping (SesameProbeReport    *report,
                                                         const SesameAddedMapping *mapping);
gboolean             sesame_probe_report_remove_added_mapping (SesameProbeReport *report,
                                                         const char              *protocol,
                                                         guint16                  external_port);
void                 sesame_probe_report_find_added_mappings (SesameProbeReport  *report);
gint64               sesame_probe_report_get_time       (const SesameProbeReport *report);
gboolean             sesame_probe_report_pcp_can_map    (const SesameProbeReport *report);
gboolean             sesame_probe_report_natpmp_can_map (const SesameProbeReport *report);

const char          *sesame_nat_mapping_to_string       (SesameNatMapping         mapping);
gboolean             sesame_nat_mapping_from_string     (const char              *text,
                                                         SesameNatMapping        *mapping);
const char          *sesame_nat_filtering_to_string     (SesameNatFiltering       filtering);
gboolean             sesame_nat_filtering_from_string   (const char              *text,
                                                         SesameNatFiltering      *filtering);
const char          *sesame_nat_classic_to_string       (SesameNatClassic         classic);
gboolean             sesame_nat_classic_from_string     (const char              *text,
                                                         SesameNatClassic        *classic);
const char          *sesame_mapping_state_to_string     (SesameMappingState       state);
gboolean             sesame_mapping_state_from_string   (const char              *text,
                                                         SesameMappingState      *state);
const char          *sesame_reachability_to_string      (SesameReachability       reachability);
gboolean             sesame_reachability_from_string    (const char              *text,
                                                         SesameReachability      *reachability);

void                 sesame_interface_free              (SesameInterface         *interface);
void                 sesame_ipv6_address_free           (SesameIpv6Address       *address);
const SesameIpv6Address *sesame_ipv6_addresses_pick_stable (GPtrArray            *addresses);
void                 sesame_router_mapping_free         (SesameRouterMapping     *mapping);
SesameAddedMapping  *sesame_added_mapping_copy          (const SesameAddedMapping *mapping);
void                 sesame_added_mapping_free          (SesameAddedMapping      *mapping);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameProbeReport, sesame_probe_report_free)

G_END_DECLS
