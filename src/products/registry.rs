//! What the registration list (at the top of `products/mod.rs`) expands to: the `system:` variants of scenario files, the claim vocabulary per system, the
//! dispatch ([`System::visit`], [`SystemTag::visit`]) and the CLI's target names. Adding a
//! product is one folder under `src/products/`, its `mod` item and one line in that list.

use super::{AnyClaim, AnyCommand, AnyFault, Product, System};
use crate::place::Refusal;

/// `folder: [Variant => ProductType, "doc"; ...];` per product folder (a folder may hold several
/// systems on one model, as `mrs` does); a system may carry attributes (`#[cfg(test)]` for the
/// tests' toy product), which go onto everything generated for it.
macro_rules! registry {
    ($( $module:ident: [ $( $(#[$meta:meta])* $variant:ident => $product:ident, $doc:literal; )* ] )*) => {
        registry!(@systems $( $( $(#[$meta])* $variant => $module::$product, $doc; )* )*);
    };
    (@first $first:ident $( $rest:ident )*) => {
        SystemTag::$first(serde::de::IgnoredAny)
    };
    (@systems $( $(#[$meta:meta])* $variant:ident => $product:ty, $doc:literal; )*) => {
        /// The system a scenario is about, with its configuration.
        // A scenario holds one per system, read once per run and never in the event loop, so the
        // size difference between products' configurations costs nothing worth a box.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum System {
            $( $(#[$meta])* #[doc = $doc] $variant(<$product as $crate::products::Model>::Config), )*
        }

        /// Only which system a file is about (its variant name, content skipped).
        #[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
        pub enum SystemTag {
            $( $(#[$meta])* $variant(serde::de::IgnoredAny), )*
        }

        /// A claim in the vocabulary of one system.
        #[derive(Clone, PartialEq)]
        pub enum AnyClaim {
            $( $(#[$meta])* $variant(<$product as $crate::products::Vocabulary>::Claim), )*
        }

        /// A command in the vocabulary of one system.
        #[derive(Clone, PartialEq)]
        pub enum AnyCommand {
            $( $(#[$meta])* $variant(<$product as $crate::products::Model>::Command), )*
        }

        /// A fault of one system's own.
        #[derive(Clone, PartialEq, Eq)]
        pub enum AnyFault {
            $( $(#[$meta])* $variant(<$product as $crate::products::ChaosProfile>::Fault), )*
        }

        impl $crate::action::Command for AnyCommand {
            fn kind(&self) -> &'static str {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.kind(), )*
                }
            }
            fn describe(&self) -> String {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.describe(), )*
                }
            }
            fn target(&self) -> Option<&$crate::action::Target> {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.target(), )*
                }
            }
            fn count(&self) -> Option<$crate::action::Count> {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.count(), )*
                }
            }
            fn is_workload(&self) -> bool {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.is_workload(), )*
                }
            }
        }

        impl $crate::fault::OwnFault for AnyFault {
            type Command = AnyCommand;
            fn label(&self) -> String {
                match self {
                    $( $(#[$meta])* AnyFault::$variant(f) => f.label(), )*
                }
            }
            fn strike(&self, node: &$crate::action::Target, duration_ms: $crate::engine::Time) -> Vec<AnyCommand> {
                match self {
                    $( $(#[$meta])* AnyFault::$variant(f) => f.strike(node, duration_ms).into_iter().map(AnyCommand::$variant).collect(), )*
                }
            }
            fn heal(&self, node: &$crate::action::Target) -> Option<AnyCommand> {
                match self {
                    $( $(#[$meta])* AnyFault::$variant(f) => f.heal(node).map(AnyCommand::$variant), )*
                }
            }
            fn node_independent(&self) -> bool {
                match self {
                    $( $(#[$meta])* AnyFault::$variant(f) => f.node_independent(), )*
                }
            }
        }

        impl std::fmt::Debug for AnyCommand {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.fmt(f), )*
                }
            }
        }

        impl std::fmt::Debug for AnyFault {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( $(#[$meta])* AnyFault::$variant(c) => c.fmt(f), )*
                }
            }
        }

        impl serde::Serialize for AnyCommand {
            /// Bare, as files write it: the step's system says which vocabulary it is.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( $(#[$meta])* AnyCommand::$variant(c) => c.serialize(s), )*
                }
            }
        }

        impl System {
            /// Runs `f` with the product type and configuration of this system.
            pub fn visit<F: $crate::products::WithConfig>(&self, f: F) -> F::Out {
                match self {
                    $( $(#[$meta])* System::$variant(cfg) => f.call::<$product>(cfg), )*
                }
            }
        }

        impl SystemTag {
            /// Runs `f` with the product type of this system.
            pub fn visit<F: $crate::products::WithProduct>(self, f: F) -> F::Out {
                match self {
                    $( $(#[$meta])* SystemTag::$variant(_) => f.call::<$product>(), )*
                }
            }
        }

        impl Default for SystemTag {
            /// The first registered system: how a file that does not say its system is read
            /// (it fails with a located error either way).
            fn default() -> Self {
                registry!(@first $( $variant )*)
            }
        }

        $(
            $(#[$meta])*
            impl $crate::products::Registered for $product {
                fn wrap_claim(claim: Self::Claim) -> AnyClaim {
                    AnyClaim::$variant(claim)
                }
                fn unwrap_claim(claim: &AnyClaim) -> Option<&Self::Claim> {
                    match claim {
                        AnyClaim::$variant(c) => Some(c),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn wrap_command(command: Self::Command) -> AnyCommand {
                    AnyCommand::$variant(command)
                }
                fn unwrap_command(command: AnyCommand) -> Option<Self::Command> {
                    match command {
                        AnyCommand::$variant(c) => Some(c),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                fn wrap_fault(fault: Self::Fault) -> AnyFault {
                    AnyFault::$variant(fault)
                }
                fn system(cfg: Self::Config) -> System {
                    System::$variant(cfg)
                }
                fn unwrap_config(system: &System) -> Option<&Self::Config> {
                    match system {
                        System::$variant(cfg) => Some(cfg),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*

        impl SystemTag {
            /// The vocabulary of `system`'s claims.
            pub fn of(system: &System) -> SystemTag {
                match system {
                    $( $(#[$meta])* System::$variant(_) => SystemTag::$variant(serde::de::IgnoredAny), )*
                }
            }
        }

        /// One system of a world of several products (FS-MULTI), whichever product it is.
        // Each lives once in the harness's list and is reached by every event of its system: a
        // box would add a pointer chase per event to save memory nobody runs short of.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug)]
        pub enum Mixed {
            $( $(#[$meta])* $variant($product), )*
        }

        /// An event of one system of a world of several products.
        #[derive(Clone, Debug)]
        pub enum MixedEvent {
            $( $(#[$meta])* $variant(<$product as $crate::products::Model>::Event), )*
        }

        /// A trace record of one system of a world of several products (its own text, and
        /// its own data: untagged, so a record's fields read as its product's).
        #[derive(Clone, serde::Serialize)]
        #[serde(untagged)]
        pub enum MixedRecord {
            $( $(#[$meta])* $variant(<$product as $crate::products::Model>::Record), )*
            /// What the world says of a fault, once for every system.
            World($crate::world::Narration),
        }

        impl From<$crate::world::Narration> for MixedRecord {
            fn from(n: $crate::world::Narration) -> Self {
                MixedRecord::World(n)
            }
        }

        impl std::fmt::Display for MixedRecord {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( $(#[$meta])* MixedRecord::$variant(r) => std::fmt::Display::fmt(r, f), )*
                    MixedRecord::World(n) => std::fmt::Display::fmt(n, f),
                }
            }
        }

        /// Pure dispatch to each system's own product: a world of several products is its
        /// systems side by side, and nothing here decides an outcome. An event, a claim or a
        /// record always reaches the product that made it (the parser reads each claim in its
        /// system's vocabulary; events carry their system's index).
        impl $crate::products::Model for Mixed {
            type Event = MixedEvent;
            type Record = MixedRecord;
            type Config = System;
            type Command = AnyCommand;
            const LABEL: &'static str = "several products";
            fn preset(cfg: &System) -> $crate::world::WorldDecl {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => <$product as $crate::products::Model>::preset(c), )*
                }
            }
            fn build(cfg: &System, cx: &mut $crate::products::Cx<'_, '_, Self>) -> Self {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => Mixed::$variant(cx.lift(MixedEvent::$variant, MixedRecord::$variant, |cx| <$product as $crate::products::Model>::build(c, cx))), )*
                }
            }
            fn action(&self, action: $crate::products::StepAction) -> MixedEvent {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => {
                        let own = action.map(|c| <$product as $crate::products::Registered>::unwrap_command(c).expect("the parser reads each command in its system's vocabulary"));
                        MixedEvent::$variant(<$product as $crate::products::Model>::action(s, own))
                    } )*
                }
            }
            fn handle(&mut self, event: MixedEvent, cx: &mut $crate::products::Cx<'_, '_, Self>) {
                match (self, event) {
                    $( $(#[$meta])* (Mixed::$variant(s), MixedEvent::$variant(e)) => cx.lift(MixedEvent::$variant, MixedRecord::$variant, |cx| <$product as $crate::products::Model>::handle(s, e, cx)), )*
                    #[allow(unreachable_patterns)]
                    _ => unreachable!("an event reaches the system that scheduled it"),
                }
            }
            fn settle(&mut self, cx: &mut $crate::products::Cx<'_, '_, Self>) {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => cx.lift(MixedEvent::$variant, MixedRecord::$variant, |cx| <$product as $crate::products::Model>::settle(s, cx)), )*
                }
            }
            fn fingerprint(&self, out: &mut $crate::engine::Fingerprint) {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => {
                        ::std::hash::Hash::hash(stringify!($variant), out);
                        <$product as $crate::products::Model>::fingerprint(s, out)
                    } )*
                }
            }
            fn fingerprint_event(event: &MixedEvent, out: &mut $crate::engine::Fingerprint) {
                match event {
                    $( $(#[$meta])* MixedEvent::$variant(e) => {
                        ::std::hash::Hash::hash(stringify!($variant), out);
                        <$product as $crate::products::Model>::fingerprint_event(e, out)
                    } )*
                }
            }
            fn before_fault(&mut self, fault: &$crate::world::WorldFault, cx: &mut $crate::products::Cx<'_, '_, Self>) {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => cx.lift(MixedEvent::$variant, MixedRecord::$variant, |cx| <$product as $crate::products::Model>::before_fault(s, fault, cx)), )*
                }
            }
            fn after_fault(&mut self, fault: &$crate::world::WorldFault, applied: &$crate::world::Applied, cx: &mut $crate::products::Cx<'_, '_, Self>) {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => cx.lift(MixedEvent::$variant, MixedRecord::$variant, |cx| <$product as $crate::products::Model>::after_fault(s, fault, applied, cx)), )*
                }
            }
        }

        impl $crate::products::Vocabulary for Mixed {
            type Claim = AnyClaim;
            fn validate(cfg: &System) -> Result<(), $crate::place::Refusal> {
                cfg.validate()
            }
            fn supported_actions(cfg: &System) -> Vec<&'static str> {
                cfg.supported_actions()
            }
            fn validate_action(cfg: &System, action: &$crate::products::StepAction) -> Result<(), String> {
                cfg.validate_action(action)
            }
            fn validate_claim(cfg: &System, claim: &AnyClaim) -> Result<(), String> {
                cfg.validate_claim(claim)
            }
            fn node_names(cfg: &System) -> Vec<String> {
                cfg.node_names()
            }
            fn check_node(cfg: &System, target: &$crate::action::Target) -> Result<(), String> {
                cfg.check_node(target)
            }
            fn check_binding(cfg: &System, world: Option<&$crate::world::WorldDecl>) -> Result<(), $crate::place::Refusal> {
                cfg.check_binding(world)
            }
            fn lint(cfg: &System, world: Option<&$crate::world::WorldDecl>) -> Vec<$crate::finding::Warning> {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => <$product as $crate::products::Vocabulary>::lint(c, world), )*
                }
            }
            /// What each product's documents warn against in its own systems together.
            fn lint_together(cfgs: &[&System]) -> Vec<$crate::finding::Warning> {
                let mut out = Vec::new();
                $(
                    $(#[$meta])*
                    {
                        let of: Vec<_> = cfgs.iter().filter_map(|s| <$product as $crate::products::Registered>::unwrap_config(s)).collect();
                        if of.len() > 1 {
                            out.extend(<$product as $crate::products::Vocabulary>::lint_together(&of));
                        }
                    }
                )*
                out
            }
        }

        impl $crate::products::Observation for Mixed {
            fn view(&self, world: &$crate::world::World, at_ms: $crate::engine::Time) -> $crate::ops::View {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::view(s, world, at_ms), )*
                }
            }
            fn eval(&self, world: &$crate::world::World, claim: &AnyClaim, now: $crate::engine::Time) -> $crate::check::Verdict {
                match (self, claim) {
                    $( $(#[$meta])* (Mixed::$variant(s), AnyClaim::$variant(c)) => <$product as $crate::products::Observation>::eval(s, world, c, now), )*
                    #[allow(unreachable_patterns)]
                    _ => unreachable!("the parser reads each claim in the vocabulary of the system it names"),
                }
            }
            fn sample(&self, world: &$crate::world::World) -> $crate::metrics::Sample {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::sample(s, world), )*
                }
            }
            fn ledger(&self) -> &$crate::ledger::Ledger {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::ledger(s), )*
                }
            }
            fn lanes(&self, world: &$crate::world::World) -> $crate::products::Lanes<'_> {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::lanes(s, world), )*
                }
            }
            fn shown(record: &MixedRecord) -> bool {
                match record {
                    $( $(#[$meta])* MixedRecord::$variant(r) => <$product as $crate::products::Observation>::shown(r), )*
                    MixedRecord::World(_) => true,
                }
            }
            fn dns_broken(&self, world: &$crate::world::World) -> Option<String> {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::dns_broken(s, world), )*
                }
            }
            fn health(&self, world: &$crate::world::World) -> Vec<$crate::finding::Problem> {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::Observation>::health(s, world), )*
                }
            }
        }

        impl $crate::products::ChaosProfile for Mixed {
            type Fault = AnyFault;
            fn alphabet(cfg: &System) -> Vec<$crate::fault::FaultKind<AnyFault>> {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => <$product as $crate::products::ChaosProfile>::alphabet(c).into_iter().map(|k| k.map(AnyFault::$variant)).collect(), )*
                }
            }
            fn chaos_profile(cfg: &System) -> $crate::fault::Profile {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => <$product as $crate::products::ChaosProfile>::chaos_profile(c), )*
                }
            }
            fn split_brain_documented(&self) -> Option<$crate::finding::SpecId> {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::ChaosProfile>::split_brain_documented(s), )*
                }
            }
            fn rules_fired(&self) -> Vec<($crate::finding::SpecId, u32)> {
                match self {
                    $( $(#[$meta])* Mixed::$variant(s) => <$product as $crate::products::ChaosProfile>::rules_fired(s), )*
                }
            }
            fn claim_for(cfg: &System, invariant: $crate::finding::Invariant) -> AnyClaim {
                match cfg {
                    $( $(#[$meta])* System::$variant(c) => AnyClaim::$variant(<$product as $crate::products::ChaosProfile>::claim_for(c, invariant)), )*
                }
            }
            /// A world of several products is no chaos target of its own.
            fn presets() -> Vec<(&'static str, System)> {
                Vec::new()
            }
        }

        impl $crate::products::Registered for Mixed {
            fn wrap_claim(claim: AnyClaim) -> AnyClaim {
                claim
            }
            fn wrap_command(command: AnyCommand) -> AnyCommand {
                command
            }
            fn unwrap_command(command: AnyCommand) -> Option<AnyCommand> {
                Some(command)
            }
            fn wrap_fault(fault: AnyFault) -> AnyFault {
                fault
            }
            fn unwrap_claim(claim: &AnyClaim) -> Option<&AnyClaim> {
                Some(claim)
            }
            fn system(cfg: System) -> System {
                cfg
            }
            fn unwrap_config(system: &System) -> Option<&System> {
                Some(system)
            }
        }

        impl std::fmt::Debug for AnyClaim {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( $(#[$meta])* AnyClaim::$variant(c) => c.fmt(f), )*
                }
            }
        }

        impl serde::Serialize for AnyClaim {
            /// Bare, as files write it: the scenario's system says which vocabulary it is.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( $(#[$meta])* AnyClaim::$variant(c) => c.serialize(s), )*
                }
            }
        }

        /// Every named chaos target: each product's presets, under their CLI names.
        pub fn target_names() -> Vec<&'static str> {
            let mut out = Vec::new();
            $( $(#[$meta])* out.extend(<$product as $crate::products::ChaosProfile>::presets().into_iter().map(|(name, _)| name)); )*
            out
        }

        /// The system a CLI target name stands for.
        pub fn named_system(name: &str) -> Option<System> {
            $(
                $(#[$meta])*
                if let Some((_, cfg)) = <$product as $crate::products::ChaosProfile>::presets().into_iter().find(|(n, _)| *n == name) {
                    return Some(<$product as $crate::products::Registered>::system(cfg));
                }
            )*
            None
        }
    };
}

/// A product on the registration list: its claims and configuration in the registry's enums.
pub trait Registered: Product {
    fn wrap_claim(claim: Self::Claim) -> AnyClaim;
    fn unwrap_claim(claim: &AnyClaim) -> Option<&Self::Claim>;
    fn wrap_command(command: Self::Command) -> AnyCommand;
    /// The command, when it is in this product's vocabulary.
    fn unwrap_command(command: AnyCommand) -> Option<Self::Command>;
    fn wrap_fault(fault: Self::Fault) -> AnyFault;
    fn system(cfg: Self::Config) -> System;
    /// The configuration, when `system` is of this product.
    fn unwrap_config(system: &System) -> Option<&Self::Config>;
}

/// Something to do with a system's product type and configuration (see [`System::visit`]).
pub trait WithConfig {
    type Out;
    fn call<P: Registered>(self, cfg: &P::Config) -> Self::Out;
}

/// Something to do with a system's product type alone (see [`SystemTag::visit`]).
pub trait WithProduct {
    type Out;
    fn call<P: Registered>(self) -> Self::Out
    where
        P::Claim: serde::de::DeserializeOwned,
        P::Command: serde::de::DeserializeOwned;
}

impl System {
    /// The system's name in reports.
    pub fn label(&self) -> &'static str {
        struct Label;
        impl WithConfig for Label {
            type Out = &'static str;
            fn call<P: Registered>(self, _: &P::Config) -> &'static str {
                P::LABEL
            }
        }
        self.visit(Label)
    }

    /// Checks the configuration; a refusal's place is in the configuration.
    pub fn validate(&self) -> Result<(), Refusal> {
        struct Validate;
        impl WithConfig for Validate {
            type Out = Result<(), Refusal>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), Refusal> {
                P::validate(cfg)
            }
        }
        self.visit(Validate)
    }

    /// Checks the system's binding to the scenario's world (see the product's `Vocabulary::check_binding`);
    /// without one, that its preset is a world like any other (a DMA named `CLIENT` would
    /// collide with the built-in client host: refused at the configuration, which the preset
    /// is made from).
    pub fn check_binding(&self, world: Option<&crate::world::WorldDecl>) -> Result<(), Refusal> {
        struct Binding<'a>(Option<&'a crate::world::WorldDecl>);
        impl WithConfig for Binding<'_> {
            type Out = Result<(), Refusal>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), Refusal> {
                P::check_binding(cfg, self.0)?;
                match self.0 {
                    Some(_) => Ok(()),
                    None => P::preset(cfg).check().map_err(|e| Refusal::from(format!("the built-in layout: {}; rename it, or declare a `world:`", e.message))),
                }
            }
        }
        self.visit(Binding(world))
    }

    /// The system's preset: its product's built-in layout (`Model::preset`).
    pub fn preset(&self) -> crate::world::WorldDecl {
        struct Preset;
        impl WithConfig for Preset {
            type Out = crate::world::WorldDecl;
            fn call<P: Registered>(self, cfg: &P::Config) -> crate::world::WorldDecl {
                P::preset(cfg)
            }
        }
        self.visit(Preset)
    }

    /// Checks a supported action's values against this system (see the product's `Vocabulary::validate_action`).
    pub fn validate_action(&self, action: &super::StepAction) -> Result<(), String> {
        struct Check<'a>(&'a super::StepAction);
        impl WithConfig for Check<'_> {
            type Out = Result<(), String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), String> {
                let own = self.0.clone().map(P::unwrap_command);
                match own {
                    crate::action::Do::Shared(a) => P::validate_action(cfg, &crate::action::Do::Shared(a)),
                    crate::action::Do::Own(Some(c)) => P::validate_action(cfg, &crate::action::Do::Own(c)),
                    crate::action::Do::Own(None) => Err(format!("this action is not in the vocabulary of {}", P::LABEL)),
                }
            }
        }
        self.visit(Check(action))
    }

    /// Checks a claim about this system (see the product's `Vocabulary::validate_claim`); the parser reads
    /// each claim in the vocabulary of the system it names.
    pub fn validate_claim(&self, claim: &AnyClaim) -> Result<(), String> {
        struct Check<'a>(&'a AnyClaim);
        impl WithConfig for Check<'_> {
            type Out = Result<(), String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), String> {
                match P::unwrap_claim(self.0) {
                    Some(claim) => P::validate_claim(cfg, claim),
                    None => Err(format!("this claim is not in the vocabulary of {}", P::LABEL)),
                }
            }
        }
        self.visit(Check(claim))
    }

    /// The system's nodes by name, in order (see the product's `Vocabulary::node_names`).
    pub fn node_names(&self) -> Vec<String> {
        struct Names;
        impl WithConfig for Names {
            type Out = Vec<String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Vec<String> {
                P::node_names(cfg)
            }
        }
        self.visit(Names)
    }

    /// Checks the node a script names (see the product's `Vocabulary::check_node`).
    pub fn check_node(&self, target: &crate::action::Target) -> Result<(), String> {
        struct Check<'a>(&'a crate::action::Target);
        impl WithConfig for Check<'_> {
            type Out = Result<(), String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), String> {
                P::check_node(cfg, self.0)
            }
        }
        self.visit(Check(target))
    }

    /// The script actions this system supports.
    pub fn supported_actions(&self) -> Vec<&'static str> {
        struct Supported;
        impl WithConfig for Supported {
            type Out = Vec<&'static str>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Vec<&'static str> {
                P::supported_actions(cfg)
            }
        }
        self.visit(Supported)
    }
}
