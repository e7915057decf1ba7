"The default model loads from site-packages with no hub, and the embed stage agrees with sentence-transformers."
import os
import numpy as np

def test_default_model_loads_offline_and_matches_sentence_transformers():
    os.environ['HF_HUB_OFFLINE'] = '1'
    from recsys_nb.models import Encoder, model_path
    from sentence_transformers import SentenceTransformer
    assert 'site-packages' in model_path('minilm')
    texts = ['Cordless drill, 18 V, two batteries', 'Non-stick frying pan. Home > Kitchen > Cookware', 'yoga mat']
    ours = Encoder('minilm', max_tokens=64, batch_size=2, device='cpu').encode(texts, progress=False)
    st = SentenceTransformer(model_path('minilm'), device='cpu').encode(texts)
    assert ours.shape == (3, 384)
    cos = (ours * st).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(st, axis=1)
    assert cos.min() > 0.999
