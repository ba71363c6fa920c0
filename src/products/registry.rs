//! What the registration list (at the top of `products/mod.rs`) expands to: the `system:` variants of scenario files, the claim vocabulary per system, the
//! dispatch ([`System::visit`], [`SystemTag::visit`]) and the CLI's target names. Adding a
//! product is one folder under `src/products/`, its `mod` item and one line in that list.

use super::{AnyClaim, Product, System};

/// `folder: [Variant => ProductType, "doc"; ...];` per product folder (a folder may hold several
/// systems on one model, as `mrs` does).
macro_rules! registry {
    ($( $module:ident: [ $( $variant:ident => $product:ident, $doc:literal; )* ] )*) => {
        registry!(@systems $( $( $variant => $module::$product, $doc; )* )*);
    };
    (@first $first:ident $( $rest:ident )*) => {
        SystemTag::$first(serde::de::IgnoredAny)
    };
    (@systems $( $variant:ident => $product:ty, $doc:literal; )*) => {
        /// The system a scenario is about, with its configuration.
        // A scenario holds one per system, read once per run and never in the event loop, so the
        // size difference between products' configurations costs nothing worth a box.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum System {
            $( #[doc = $doc] $variant(<$product as $crate::products::Product>::Config), )*
        }

        /// Only which system a file is about (its variant name, content skipped).
        #[derive(Clone, Copy, Debug, serde::Deserialize)]
        pub enum SystemTag {
            $( $variant(serde::de::IgnoredAny), )*
        }

        /// A claim in the vocabulary of one system.
        #[derive(Clone, PartialEq)]
        pub enum AnyClaim {
            $( $variant(<$product as $crate::products::Product>::Claim), )*
        }

        impl System {
            /// Runs `f` with the product type and configuration of this system.
            pub fn visit<F: $crate::products::WithConfig>(&self, f: F) -> F::Out {
                match self {
                    $( System::$variant(cfg) => f.call::<$product>(cfg), )*
                }
            }
        }

        impl SystemTag {
            /// Runs `f` with the product type of this system.
            pub fn visit<F: $crate::products::WithProduct>(self, f: F) -> F::Out {
                match self {
                    $( SystemTag::$variant(_) => f.call::<$product>(), )*
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

        impl std::fmt::Debug for AnyClaim {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( AnyClaim::$variant(c) => c.fmt(f), )*
                }
            }
        }

        impl serde::Serialize for AnyClaim {
            /// Bare, as files write it: the scenario's system says which vocabulary it is.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( AnyClaim::$variant(c) => c.serialize(s), )*
                }
            }
        }

        /// Every named chaos target: each product's presets, under their CLI names.
        pub fn target_names() -> Vec<&'static str> {
            let mut out = Vec::new();
            $( out.extend(<$product as $crate::products::Product>::presets().into_iter().map(|(name, _)| name)); )*
            out
        }

        /// The system a CLI target name stands for.
        pub fn named_system(name: &str) -> Option<System> {
            $(
                if let Some((_, cfg)) = <$product as $crate::products::Product>::presets().into_iter().find(|(n, _)| *n == name) {
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
    fn call<P: Registered>(self) -> Self::Out;
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

    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), String> {
        struct Validate;
        impl WithConfig for Validate {
            type Out = Result<(), String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), String> {
                P::validate(cfg)
            }
        }
        self.visit(Validate)
    }

    /// Checks the system's binding to the scenario's world (see [`Product::check_binding`]).
    pub fn check_binding(&self, world: Option<&crate::world::WorldDecl>) -> Result<(), String> {
        struct Binding<'a>(Option<&'a crate::world::WorldDecl>);
        impl WithConfig for Binding<'_> {
            type Out = Result<(), String>;
            fn call<P: Registered>(self, cfg: &P::Config) -> Result<(), String> {
                P::check_binding(cfg, self.0)
            }
        }
        self.visit(Binding(world))
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
