//! all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions) on the CPU with candle: mean pooling over
//! the real tokens, then L2 normalisation, as sentence-transformers does for this model.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::embedding::{EmbedError, Embedder, MINILM_FILES, ModelError, read_verified};

/// The model was trained on at most 256 word pieces; longer text is cut there.
const MAX_TOKENS: usize = 256;

/// Matrix products smaller than this many multiply-adds run on one thread. gemm's default
/// (48 x 48 x 256, about 0.6 M) splits even a short search query's products across threads;
/// on two cores the hand-over costs more than it saves, and nothing when the other core is
/// busy: a query of about 10 word pieces embedded in 12.4 ms (p95 13-17) that way and in 9.4
/// ms (p95 10.0) on one thread. From 32 word pieces up (a ticket, a batch of articles) the
/// products are large enough to share: 32 x 1,536 x 384 is the model's largest at 32.
const SINGLE_THREAD_WORK: usize = 32 * 1_536 * 384;

/// The loaded model and its tokenizer.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    dimension: usize,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLm").field("dimension", &self.dimension).finish_non_exhaustive()
    }
}

impl MiniLm {
    /// Loads the three files of `dir`, each checked against its known sha256.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        // Process-wide, and only candle multiplies matrices in this process.
        gemm::set_threading_threshold(SINGLE_THREAD_WORK);
        let [config, tokenizer, weights] = MINILM_FILES.map(|(name, sum)| read_verified(dir, name, sum));
        let (config, tokenizer, weights) = (config?, tokenizer?, weights?);
        let config: Config =
            serde_json::from_slice(&config).map_err(|e| ModelError::Invalid(format!("config.json: {e}")))?;
        let mut tokenizer =
            Tokenizer::from_bytes(&tokenizer).map_err(|e| ModelError::Invalid(format!("tokenizer.json: {e}")))?;
        // The file pads every input to 128 tokens; a batch only needs its longest input.
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| ModelError::Invalid(format!("tokenizer.json: {e}")))?;
        let weights = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(|e| ModelError::Invalid(format!("model.safetensors: {e}")))?;
        let model =
            BertModel::load(weights, &config).map_err(|e| ModelError::Invalid(format!("model.safetensors: {e}")))?;
        Ok(Self { model, tokenizer, dimension: config.hidden_size })
    }
}

impl Embedder for MiniLm {
    fn name(&self) -> &str {
        "all-MiniLM-L6-v2"
    }

    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings =
            self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let width = encodings.first().map_or(0, |e| e.get_ids().len());
        let rows = encodings.len();
        let flat = |get: fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings.iter().flat_map(|e| get(e).iter().copied()).collect()
        };
        let device = Device::Cpu;
        let ids = Tensor::from_vec(flat(|e| e.get_ids()), (rows, width), &device)?;
        let types = Tensor::from_vec(flat(|e| e.get_type_ids()), (rows, width), &device)?;
        let mask = Tensor::from_vec(flat(|e| e.get_attention_mask()), (rows, width), &device)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        // Mean over the real tokens only: padding must not pull the average.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        Ok(mean.broadcast_div(&norms)?.to_vec2::<f32>()?)
    }
}
