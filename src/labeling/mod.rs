//! The labeling loop around the model: sheets of paragraphs for people to label
//! ([`sheet`]), which paragraphs to label next ([`suggest`]) and how far two people's labels
//! agree ([`agreement`]). The learning curve, which says whether labeling more will help, is
//! [`crate::model::curve`].

pub mod agreement;
pub mod sheet;
pub mod suggest;
